"""nbgrader's `autograded/` notebooks, written from judge results instead of a live kernel.

The graded notebook is what `nbgrader generate_feedback` renders for the student: the
submission with the outputs its cells produced in the sandbox, every graded cell showing the
judge's checks, hints and score, and the problems found with the file (renamed, unreadable,
cells deleted). The rendering is the judge's own `JudgeNotebook`, so this matches what plain
`nbgrader autograde` writes; `SanitizeStudentHTML` then makes student markdown and outputs
inert before formgrader or a feedback page shows them.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
from nbconvert.exporters.exporter import ResourcesDict
from nbgrader.preprocessors import ClearOutput

from grucourse.course import Course
from grucourse.grading.preprocessors import RESOURCE_KEY, JudgeNotebook
from grucourse.judge.notebook import readable, restore_locked_cells
from grucourse.judge.sanitize import SanitizeStudentHTML
from grucourse.results import SubmissionResult


class ShowJudgeResult(JudgeNotebook):
    """JudgeNotebook's rendering (cell outputs, checks, score, problems) of a result already judged."""

    def judge_result(self, resources: dict) -> SubmissionResult:
        return resources[RESOURCE_KEY]


def render_autograded(course: Course, notebook: Path | None, result: SubmissionResult) -> str | None:
    """The graded notebook as JSON text (run on the workers); None when there is no notebook at all."""
    nb = readable(notebook, course.submitted) or readable(course.release_notebook(result.assignment))
    if nb is None:
        return None
    source = readable(course.source_notebook(result.assignment))
    if source is not None:
        restore_locked_cells(nb, source)
    resources = ResourcesDict()
    resources[RESOURCE_KEY] = result
    for preprocessor in (ClearOutput(), ShowJudgeResult(), SanitizeStudentHTML()):
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
    copy_submission_records(course, result.student, result.assignment)
    return target


SUBMISSION_RECORDS = ("timestamp.txt", "submission_secret.txt")
"""Files nbgrader's exchange writes beside a submission; `nbgrader release_feedback` reads them
from autograded/ (via feedback/) to name and route the feedback it hands back."""


def copy_submission_records(course: Course, student: str, assignment: str) -> None:
    """Carry the submission's exchange records into autograded/, as `nbgrader autograde` does."""
    for name in SUBMISSION_RECORDS:
        record = course.submitted / student / assignment / name
        if record.is_file() and not record.is_symlink():
            shutil.copyfile(record, course.autograded / student / assignment / name)
