"""nbgrader's `autograded/` notebooks, written from judge results instead of a live kernel.

The graded notebook is what `nbgrader generate_feedback` renders for the student: the
submission with its own outputs cleared, every graded cell showing the judge's checks and
hints, and the problems found with the file (renamed, unreadable, cells deleted) on top.
"""
from __future__ import annotations

import html
import os
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from nbformat.v4 import new_markdown_cell, new_output
from nbgrader import utils
from nbgrader.preprocessors import ClearOutput, NbGraderPreprocessor

from grucourse.course import Course
from grucourse.results import SubmissionResult

MAX_NOTEBOOK_BYTES = 20 * 2**20
"""A larger submission is shown as the released notebook: its outputs are not worth the memory."""


class ShowJudgeOutputs(NbGraderPreprocessor):
    """Graded code cells show what the trusted judge decided, never what the student's kernel printed."""

    def preprocess_cell(self, cell: NotebookNode, resources: dict, index: int) -> tuple[NotebookNode, dict]:
        if cell.cell_type == "code" and utils.is_grade(cell):
            result: SubmissionResult = resources["judge_result"]
            grade_id = cell.metadata["nbgrader"].get("grade_id", "")
            outputs = result.cell_outputs.get(grade_id)
            if outputs is None and grade_id in result.cells:
                outputs = [new_output("stream", name="stdout", text=result.cells[grade_id].feedback())]
            cell.outputs = [nbformat.from_dict(output) for output in outputs or []]
        return cell, resources


class ListProblems(NbGraderPreprocessor):
    """Problems with the file open the notebook, so the student learns why points are missing."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        problems: list[str] = resources["judge_result"].problems
        if problems:
            items = "\n".join(f"- {html.escape(problem)}" for problem in problems)
            nb.cells.insert(0, new_markdown_cell(f"**Problems found while grading this notebook**\n\n{items}"))
        return nb, resources


def read_notebook(path: Path | None) -> NotebookNode | None:
    """The notebook at `path`, or None when it is missing, oversized or not a notebook."""
    try:
        if path is None or path.stat().st_size > MAX_NOTEBOOK_BYTES:
            return None
        return nbformat.read(path, as_version=4)
    except Exception:  # corrupt JSON, non-UTF-8, wrong schema: the judge already reported it
        return None


def write_autograded(course: Course, notebook: Path | None, result: SubmissionResult) -> Path | None:
    """Write `autograded/<student>/<assignment>/<assignment>.ipynb`; None when there is no notebook at all."""
    nb = read_notebook(notebook) or read_notebook(course.release_notebook(result.assignment))
    if nb is None:
        return None
    resources = {"judge_result": result}
    for preprocessor in (ClearOutput(), ShowJudgeOutputs(), ListProblems()):
        nb, resources = preprocessor.preprocess(nb, resources)
    target = course.autograded_notebook(result.student, result.assignment)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    nbformat.write(nb, tmp)
    os.replace(tmp, target)
    return target
