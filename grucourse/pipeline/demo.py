"""The demo course: the repository's assignments, a simulated class, graded end to end.

Built only from defaults so `grucourse --course demo_course demo` works on a fresh install and
leaves a course nbgrader's formgrader opens with every assignment the course has graded.
"""
from __future__ import annotations

from itertools import cycle, islice

import nbformat
import numpy as np

from grucourse.course import Course
from grucourse.quiz.simulate import make_quiz_submission
from grucourse.simulate import make_submission, profiles

CLASS_SIZE = 12
SEED = 2014  # Chung et al. and Cho et al. introduced and compared the GRU in 2014


def demo_class(size: int = CLASS_SIZE) -> list[str]:
    return [f"student{i:02d}" for i in range(1, size + 1)]


def code_profiles(course: Course, assignment: str, students: list[str]) -> dict[str, str]:
    """Mostly correct work, every typical bug of the assignment once, and the last student blank."""
    bugs = [p for p in profiles(course, assignment) if p not in ("correct", "blank")]
    mix = ["correct", *bugs[: len(bugs) // 2], "correct", *bugs[len(bugs) // 2:]]
    chosen = dict(zip(students[:-1], islice(cycle(mix), len(students) - 1), strict=True))
    chosen[students[-1]] = "blank"
    return chosen


def write_submissions(course: Course, students: list[str], seed: int = SEED) -> None:
    """submitted/<student>/<assignment>/<assignment>.ipynb for every student and assignment."""
    rng = np.random.default_rng(seed)
    for assignment in course.code_assignments():
        for student, profile in code_profiles(course, assignment, students).items():
            submit_notebook(course, student, assignment, make_submission(course, assignment, profile, student))
    for assignment in course.quiz_assignments():
        for i, student in enumerate(students):
            accuracy = 0.0 if student == students[-1] else 0.35 + 0.6 * i / len(students)
            submit_notebook(course, student, assignment, make_quiz_submission(course, assignment, student, rng, accuracy))


def submit_notebook(course: Course, student: str, assignment: str, nb: nbformat.NotebookNode) -> None:
    """Hand in `nb` as nbgrader's collect would: submitted/<student>/<assignment>/<assignment>.ipynb."""
    path = course.submission(student, assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
