"""The repository's own course, as the tests read it."""
from __future__ import annotations

from pathlib import Path

import nbformat

from grucourse.course import Course

REPO = Course.at(Path(__file__).resolve().parents[1])


def source_points(course: Course, assignment: str) -> float:
    """The points the source notebook's graded cells are worth (what a full score is)."""
    cells = nbformat.read(course.source_notebook(assignment), as_version=4).cells
    return sum(float(c.metadata.get("nbgrader", {}).get("points", 0)) for c in cells
               if c.metadata.get("nbgrader", {}).get("grade"))
