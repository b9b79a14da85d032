"""Graded notebooks land where nbgrader's own tools look for them."""
from __future__ import annotations

from pathlib import Path

from grucourse.course import Course
from grucourse.pipeline.autograded import save_autograded
from grucourse.results import SubmissionResult


def test_exchange_records_travel_with_the_graded_notebook(tmp_path: Path) -> None:
    """`nbgrader release_feedback` reads timestamp.txt and submission_secret.txt beside the graded
    notebook, as `nbgrader autograde` leaves them; class grading must leave them there too."""
    course = Course.at(tmp_path)
    submitted = course.submitted / "alice" / "gru_gates"
    submitted.mkdir(parents=True)
    (submitted / "timestamp.txt").write_text("2026-11-25 10:00:00.000000 UTC")
    (submitted / "submission_secret.txt").write_text("s3cr3t")
    target = save_autograded(course, SubmissionResult(student="alice", assignment="gru_gates"), "{}")
    assert target == course.autograded_notebook("alice", "gru_gates")
    assert (target.parent / "timestamp.txt").read_text() == "2026-11-25 10:00:00.000000 UTC"
    assert (target.parent / "submission_secret.txt").read_text() == "s3cr3t"


def test_no_timestamp_is_invented(tmp_path: Path) -> None:
    course = Course.at(tmp_path)
    target = save_autograded(course, SubmissionResult(student="bob", assignment="gru_gates"), "{}")
    assert target.read_text() == "{}"
    assert not (target.parent / "timestamp.txt").exists()
