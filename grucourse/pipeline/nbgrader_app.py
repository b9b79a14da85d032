"""nbgrader, in-process, configured by the course's own `nbgrader_config.py`."""
from __future__ import annotations

import tempfile

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import NbGraderAPI
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from grucourse.course import Course


def course_config(course: Course) -> Config:
    """The course's configuration rooted at the course, so in-process runs match the nbgrader CLI."""
    config = Config()
    if (course.root / "nbgrader_config.py").is_file():
        config.merge(PyFileConfigLoader("nbgrader_config.py", str(course.root)).load_config())
    config.CourseDirectory.root = str(course.root)
    config.CourseDirectory.db_url = course.db_url
    return config


def nbgrader_api(course: Course, config: Config | None = None) -> NbGraderAPI:
    return NbGraderAPI(config=config or course_config(course))


def register_assignments(course: Course, assignments: list[str]) -> None:
    """Put assignments missing from the gradebook there, as `nbgrader generate_assignment` does.

    The student versions go to a scratch directory: `release/` is committed and stays untouched.
    """
    with Gradebook(course.db_url) as gradebook:
        missing = [a for a in assignments if not _known(gradebook, a)]
    for assignment in missing:
        with tempfile.TemporaryDirectory(prefix="grucourse-release-") as scratch:
            config = course_config(course)
            config.CourseDirectory.release_directory = scratch
            outcome = nbgrader_api(course, config).generate_assignment(assignment, force=True, create=True)
        if not outcome["success"]:
            raise RuntimeError(f"cannot add {assignment} to the gradebook:\n{outcome['error']}")


def _known(gradebook: Gradebook, assignment: str) -> bool:
    try:
        return bool(gradebook.find_assignment(assignment).notebooks)
    except MissingEntry:
        return False
