"""The task a Dask worker runs: judge one submission and hand back plain JSON text.

Only strings cross the wire, so a worker never ships objects the single gradebook writer
would have to trust. A problem with a submission becomes a zero with a named problem instead
of stopping the batch; a problem with the instructor's files (GradingSetupError) is raised,
because every submission would be wrongly graded by it.
"""
from __future__ import annotations

from pathlib import Path

from grucourse.course import Course
from grucourse.grading.submission import grade_submission
from grucourse.judge.grade import GradingSetupError
from grucourse.pipeline.autograded import render_autograded
from grucourse.results import SubmissionResult


def failed(student: str, assignment: str, *problems: str) -> SubmissionResult:
    """A zero for a submission the judge could not grade; no fingerprint, so it is retried next run."""
    return SubmissionResult(student=student, assignment=assignment, problems=list(problems))


def judge_submission(course_root: str, student: str, assignment: str, notebook: str) -> tuple[str, str | None]:
    """Grade one notebook: the result as JSON, and the graded notebook's text for `autograded/`
    (rendered here, so the single writer only writes files)."""
    course = Course.at(course_root)
    try:
        result = grade_submission(course, student, assignment, Path(notebook))
    except GradingSetupError:
        raise
    except Exception as exc:  # the batch goes on; the instructor sees what broke and where
        result = failed(student, assignment, f"{student}: {notebook}: grading failed: {type(exc).__name__}: {exc}")
    return result.to_json(), render_autograded(course, Path(notebook), result)
