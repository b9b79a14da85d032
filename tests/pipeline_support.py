"""Shared by the pipeline tests: a copy of the real course and a small class of submissions."""
from __future__ import annotations

from pathlib import Path

from attacks.course import submit
from nbgrader.api import Gradebook

from grucourse.course import Course
from grucourse.pipeline.course_copy import copy_course
from grucourse.simulate import make_submission


def code_class(root: Path, assignment: str = "gru_gates", correct: int = 2) -> Course:
    """A course copy with correct, blank, corrupt and misnamed submissions of one code assignment."""
    course = copy_course(root)
    for i in range(correct):
        submit(course, f"ok{i}", make_submission(course, assignment, "correct", f"ok{i}"), assignment)
    submit(course, "blank", make_submission(course, assignment, "blank", "blank"), assignment)
    submit(course, "corrupt", b'{"cells": [ this is not json', assignment)
    submit(course, "renamed", make_submission(course, assignment, "correct", "renamed"), assignment, "my_work.ipynb")
    return course


def gradebook_scores(course: Course, assignment: str) -> dict[str, float]:
    with Gradebook(course.db_url) as gradebook:
        return {s.student_id: s.score for s in gradebook.assignment_submissions(assignment)}


def max_score(course: Course, assignment: str) -> float:
    with Gradebook(course.db_url) as gradebook:
        return gradebook.find_assignment(assignment).max_score
