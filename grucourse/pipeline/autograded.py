"""nbgrader's `autograded/` notebooks, written from judge results instead of a live kernel.

The graded notebook is what `nbgrader generate_feedback` renders for the student: the
submission with the outputs its cells produced in the sandbox, every graded cell showing the
judge's checks, hints and score, and the problems found with the file (renamed, unreadable,
cells deleted). The rendering is the judge's own `JudgeNotebook`, so this matches what plain
`nbgrader autograde` writes.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from nbgrader.preprocessors import ClearOutput

from grucourse.course import Course
from grucourse.judge.notebook import NotebookUnreadable, read_notebook
from grucourse.judge.preprocessors import RESOURCE_KEY, JudgeNotebook
from grucourse.results import SubmissionResult

MAX_NOTEBOOK_BYTES = 20 * 2**20
"""A larger submission is shown as the released notebook: its outputs are not worth the memory."""


class ShowJudgeResult(JudgeNotebook):
    """JudgeNotebook's rendering (cell outputs, checks, score, problems) of a result already judged."""

    def _result(self, resources: dict) -> SubmissionResult:
        return resources[RESOURCE_KEY]


def readable(path: Path | None) -> NotebookNode | None:
    """The notebook at `path`, or None when it is missing, oversized or not a notebook."""
    try:
        if path is None or path.stat().st_size > MAX_NOTEBOOK_BYTES:
            return None
        return read_notebook(path)
    except (OSError, NotebookUnreadable):  # the judge has reported it already
        return None


def render_autograded(course: Course, notebook: Path | None, result: SubmissionResult) -> str | None:
    """The graded notebook as JSON text (run on the workers); None when there is no notebook at all."""
    nb = readable(notebook) or readable(course.release_notebook(result.assignment))
    if nb is None:
        return None
    resources = {RESOURCE_KEY: result}
    for preprocessor in (ClearOutput(), ShowJudgeResult()):
        nb, resources = preprocessor.preprocess(nb, resources)
    return nbformat.writes(nb)


def save_autograded(course: Course, result: SubmissionResult, text: str) -> Path:
    """Write `autograded/<student>/<assignment>/<assignment>.ipynb` atomically: a resumed run trusts
    a graded notebook newer than its cached result, so it must never be half written."""
    target = course.autograded_notebook(result.student, result.assignment)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, target)
    copy_timestamp(course, result.student, result.assignment)
    return target


def copy_timestamp(course: Course, student: str, assignment: str) -> None:
    """Carry the submission's timestamp.txt into autograded/, as `nbgrader autograde` does:
    `nbgrader release_feedback` reads it there to name the feedback it hands back."""
    stamp = course.submitted / student / assignment / "timestamp.txt"
    if stamp.is_file() and not stamp.is_symlink():
        shutil.copyfile(stamp, course.autograded / student / assignment / "timestamp.txt")
