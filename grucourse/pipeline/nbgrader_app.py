"""nbgrader, in-process, configured by the course's own `nbgrader_config.py`."""
from __future__ import annotations

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import NbGraderAPI
from traitlets.config import Config

from grucourse.course import Course
from grucourse.release import generate, load_course_config


def course_config(course: Course) -> Config:
    """The course's configuration rooted at the course, so in-process runs match the nbgrader CLI."""
    config = load_course_config(course)
    config.CourseDirectory.root = str(course.root)
    config.CourseDirectory.db_url = course.db_url
    return config


def nbgrader_api(course: Course) -> NbGraderAPI:
    return NbGraderAPI(config=course_config(course))


def register_assignments(course: Course, assignments: list[str]) -> None:
    """Record assignments missing from the gradebook as `nbgrader generate_assignment` does;
    `release/` stays untouched."""
    with Gradebook(course.db_url) as gradebook:
        missing = [a for a in assignments if not _known(gradebook, a)]
    for assignment in missing:
        generate(course, assignment, course.db_url)


def _known(gradebook: Gradebook, assignment: str) -> bool:
    try:
        return bool(gradebook.find_assignment(assignment).notebooks)
    except MissingEntry:
        return False
