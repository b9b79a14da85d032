"""`grade_submission`: the unit of work of every grader (Dask workers, local quiz processes,
nbgrader's preprocessor, the instant check), routed by the assignment's kind."""
from __future__ import annotations

from pathlib import Path

from nbgrader.utils import is_grade

from grucourse.course import Course
from grucourse.judge import grade as judge
from grucourse.judge.notebook import NotebookLimits, course_notebook_limits
from grucourse.judge.sandbox import Sandbox
from grucourse.quiz.grade import grade_quiz_notebook
from grucourse.results import SubmissionResult


def grade_submission(course: Course, student: str, assignment: str, notebook_path: Path,
                     sandbox: Sandbox | None = None, notebook_limits: NotebookLimits | None = None) -> SubmissionResult:
    """The judge's result for a code assignment; for a quiz, the quiz engine's, read from the
    literal answers (nothing is executed, `sandbox` is unused)."""
    if not course.is_quiz(assignment):
        return judge.grade_submission(course, student, assignment, notebook_path, sandbox, notebook_limits)
    limits = notebook_limits or course_notebook_limits(course.root / "nbgrader_config.py")
    read, submission, _ = judge.read_submission(course, student, assignment, notebook_path, limits, is_grade)
    if submission is None:
        return read
    result = grade_quiz_notebook(course, student, assignment, submission)
    result.problems[:0] = read.problems
    result.fingerprint = read.fingerprint
    return result
