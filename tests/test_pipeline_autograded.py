"""Graded notebooks land where nbgrader's own tools look for them."""
from __future__ import annotations

from pathlib import Path

import nbformat

from grucourse.course import Course
from grucourse.pipeline.autograded import render_autograded, save_autograded
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


def test_graded_notebook_shows_the_locked_cells_that_were_run(tmp_path: Path) -> None:
    """A student who weakens a visible check or rewrites the instructions sees, in the graded
    notebook, the cells the judge actually ran; their answer cells stay theirs."""
    repo = Course.at(Path(__file__).resolve().parents[1])
    course = Course.at(tmp_path)
    for path in (repo.source_notebook("gru_gates"), repo.release_notebook("gru_gates")):
        target = tmp_path / path.relative_to(repo.root)
        target.parent.mkdir(parents=True)
        target.write_bytes(path.read_bytes())
    nb = nbformat.read(course.release_notebook("gru_gates"), as_version=4)
    kinds = {"test": lambda c: c.metadata.nbgrader.get("grade") and not c.metadata.nbgrader.get("solution"),
             "markdown": lambda c: c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("locked"),
             "answer": lambda c: c.metadata.get("nbgrader", {}).get("solution")}
    edited = {kind: next(i for i, c in enumerate(nb.cells) if pick(c)) for kind, pick in kinds.items()}
    originals = {kind: nb.cells[i].source for kind, i in edited.items()}
    for i in edited.values():
        nb.cells[i].source = "pass  # edited by the student"
    submitted = course.submission("eve", "gru_gates")
    submitted.parent.mkdir(parents=True)
    nbformat.write(nb, submitted)
    text = render_autograded(course, submitted, SubmissionResult(student="eve", assignment="gru_gates"))
    graded = nbformat.reads(text, as_version=4)
    assert graded.cells[edited["test"]].source == originals["test"]
    assert graded.cells[edited["markdown"]].source == originals["markdown"]
    assert graded.cells[edited["answer"]].source == "pass  # edited by the student"
