"""The demo course: the repository's assignments, a simulated class, graded end to end.

Built only from defaults so `grucourse --course demo_course demo` works on a fresh install and
leaves a course nbgrader's formgrader opens with all five assignments graded.
"""
from __future__ import annotations

from itertools import cycle, islice

import nbformat
import numpy as np

from grucourse.course import CODE_ASSIGNMENTS, QUIZ_ASSIGNMENTS, Course

CLASS_SIZE = 12
SEED = 2014  # Chung et al. and Cho et al. introduced and compared the GRU in 2014


def demo_class(size: int = CLASS_SIZE) -> list[str]:
    return [f"student{i:02d}" for i in range(1, size + 1)]


def code_profiles(assignment: str, students: list[str]) -> dict[str, str]:
    """Mostly correct work, every typical bug of the assignment once, and the last student blank."""
    from grucourse.simulate import PROFILES

    bugs = [p for p in PROFILES[assignment] if p not in ("correct", "blank")]
    mix = ["correct", *bugs[: len(bugs) // 2], "correct", *bugs[len(bugs) // 2:]]
    profiles = dict(zip(students[:-1], islice(cycle(mix), len(students) - 1), strict=True))
    profiles[students[-1]] = "blank"
    return profiles


def write_submissions(course: Course, students: list[str], seed: int = SEED) -> None:
    """submitted/<student>/<assignment>/<assignment>.ipynb for every student and assignment."""
    from grucourse.quiz.simulate import make_quiz_submission
    from grucourse.simulate import make_submission

    rng = np.random.default_rng(seed)
    for assignment in CODE_ASSIGNMENTS:
        for student, profile in code_profiles(assignment, students).items():
            submit_notebook(course, student, assignment, make_submission(course, assignment, profile, student))
    for assignment in QUIZ_ASSIGNMENTS:
        for i, student in enumerate(students):
            accuracy = 0.0 if student == students[-1] else 0.35 + 0.6 * i / len(students)
            submit_notebook(course, student, assignment, make_quiz_submission(course, assignment, student, rng, accuracy))


def submit_notebook(course: Course, student: str, assignment: str, nb: nbformat.NotebookNode) -> None:
    """Hand in `nb` as nbgrader's collect would: submitted/<student>/<assignment>/<assignment>.ipynb."""
    path = course.submission(student, assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
