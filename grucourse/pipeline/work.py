"""The task a Dask worker runs: judge one submission and hand back plain JSON.

Only strings cross the wire, so a worker never ships objects the single gradebook writer
would have to trust, and an exception in the judge becomes a zero with a named problem
instead of stopping the batch.
"""
from __future__ import annotations

import importlib
from pathlib import Path

from grucourse.course import Course
from grucourse.results import SubmissionResult

JUDGE = "grucourse.judge.grade"


def failed(student: str, assignment: str, *problems: str) -> SubmissionResult:
    """A zero for a submission the judge could not grade; no fingerprint, so it is retried next run."""
    return SubmissionResult(student=student, assignment=assignment, problems=list(problems))


def judge_submission(course_root: str, judge: str, student: str, assignment: str, notebook: str) -> str:
    """Grade one notebook with `<judge>.grade_submission`; the result as JSON."""
    try:
        grade = importlib.import_module(judge).grade_submission
        result = grade(Course.at(course_root), student, assignment, Path(notebook))
    except Exception as exc:  # the batch goes on; the instructor sees what broke and where
        result = failed(student, assignment, f"{student}: {notebook}: grading failed: {type(exc).__name__}: {exc}")
    return result.to_json()
