"""Per-student HTML feedback, rendered by nbgrader's own `generate_feedback` from `autograded/`.

The graded notebooks already carry the judge's checks, hints and quiz explanations in their
graded cells, so nbgrader's feedback template shows them next to the scores in the gradebook.
"""
from __future__ import annotations

from pathlib import Path

from grucourse.course import Course
from grucourse.pipeline.nbgrader_app import nbgrader_api


def graded_assignments(course: Course) -> list[str]:
    """Assignments with at least one graded notebook."""
    return sorted({p.parent.name for p in course.autograded.glob("*/*/*.ipynb")})


def generate_feedback(course: Course, assignments: list[str]) -> tuple[list[Path], list[str]]:
    """Render feedback for every graded submission; the HTML files written and nbgrader's errors."""
    api = nbgrader_api(course)
    errors = []
    for assignment in assignments:
        outcome = api.generate_feedback(assignment, force=True)
        if not outcome["success"]:
            errors.append(f"{assignment}: nbgrader generate_feedback failed:\n{outcome.get('error') or outcome.get('log')}")
    pages = sorted(p for a in assignments for p in course.feedback.glob(f"*/{a}/*.html"))
    return pages, errors
