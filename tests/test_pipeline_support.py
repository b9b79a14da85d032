"""Shared by the pipeline tests: a copy of the real course and a small class of submissions."""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

from grucourse.course import Course
from grucourse.pipeline.course_copy import copy_course
from grucourse.simulate import make_submission


def submit(course: Course, student: str, assignment: str, nb: nbformat.NotebookNode | bytes,
           name: str | None = None) -> Path:
    path = course.submission(student, assignment).with_name(name or f"{assignment}.ipynb")
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(nb, bytes):
        path.write_bytes(nb)
    else:
        nbformat.write(nb, path)
    return path


def code_class(root: Path, assignment: str = "gru_gates", correct: int = 2) -> Course:
    """A course copy with correct, blank, corrupt and misnamed submissions of one code assignment."""
    course = copy_course(root)
    for i in range(correct):
        submit(course, f"ok{i}", assignment, make_submission(course, assignment, "correct", f"ok{i}"))
    submit(course, "blank", assignment, make_submission(course, assignment, "blank", "blank"))
    submit(course, "corrupt", assignment, b'{"cells": [ this is not json')
    submit(course, "renamed", assignment, make_submission(course, assignment, "correct", "renamed"), name="my_work.ipynb")
    return course


def gradebook_scores(course: Course, assignment: str) -> dict[str, float]:
    with Gradebook(course.db_url) as gradebook:
        return {s.student_id: s.score for s in gradebook.assignment_submissions(assignment)}


def max_score(course: Course, assignment: str) -> float:
    with Gradebook(course.db_url) as gradebook:
        return gradebook.find_assignment(assignment).max_score
