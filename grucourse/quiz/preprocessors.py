"""nbgrader preprocessor that keeps quiz answer cells as `answer_<id> = None` in the release.

nbgrader's ClearSolutions replaces a solution cell without `### BEGIN SOLUTION` markers by the
code stub (`raise NotImplementedError()`), which would hide the variable a quiz asks for. Quiz
answer cells hold no solution, so this restores their stub right after ClearSolutions; the
checksums nbgrader computes afterwards then match what students receive.
"""
from __future__ import annotations

from typing import Any

from nbformat import NotebookNode
from nbgrader.preprocessors import ClearSolutions, NbGraderPreprocessor
from nbgrader.utils import is_grade, is_solution

from grucourse.course import is_quiz
from grucourse.quiz.notebook import answer_stub


class KeepQuizAnswerStubs(NbGraderPreprocessor):
    """In quiz assignments, reset every graded solution cell to `answer_<grade_id> = None`."""

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        assignment = resources.get("nbgrader", {}).get("assignment", "")
        if not is_quiz(assignment):
            return nb, resources
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell: NotebookNode, resources: dict[str, Any], index: int) -> tuple[NotebookNode, dict[str, Any]]:
        if cell.cell_type == "code" and is_solution(cell) and is_grade(cell):
            cell.source = answer_stub(cell.metadata["nbgrader"]["grade_id"])
        return cell, resources


def generate_assignment_preprocessors(defaults: list | None = None) -> list:
    """nbgrader's GenerateAssignment chain with KeepQuizAnswerStubs right after ClearSolutions.

    For nbgrader_config.py: `c.GenerateAssignment.preprocessors = generate_assignment_preprocessors()`.
    """
    if defaults is None:
        from nbgrader.converters import GenerateAssignment

        defaults = list(GenerateAssignment.class_traits()["preprocessors"].make_dynamic_default())
    chain = [p for p in defaults if p is not KeepQuizAnswerStubs]
    position = chain.index(ClearSolutions) + 1
    return chain[:position] + [KeepQuizAnswerStubs] + chain[position:]

