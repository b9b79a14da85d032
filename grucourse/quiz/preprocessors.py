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

from grucourse.quiz.notebook import answer_stub


class QuizAnswerCells(NbGraderPreprocessor):
    """Acts on the answer cells (graded solution cells) of quiz assignments only."""

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        if "quiz" not in nb.metadata.get("grucourse", {}):  # written by the quiz builder
            return nb, resources
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell: NotebookNode, resources: dict[str, Any], index: int) -> tuple[NotebookNode, dict[str, Any]]:
        if cell.cell_type == "code" and is_solution(cell) and is_grade(cell):
            self.answer_cell(cell)
        return cell, resources

    def answer_cell(self, cell: NotebookNode) -> None:
        raise NotImplementedError


class KeepQuizAnswerStubs(QuizAnswerCells):
    """In quiz assignments, reset every graded solution cell to `answer_<grade_id> = None`."""

    def answer_cell(self, cell: NotebookNode) -> None:
        cell.source = answer_stub(cell.metadata["nbgrader"]["grade_id"])


class DropQuizAnswerChecksums(QuizAnswerCells):
    """Released quiz answer cells carry no checksum. With one, `nbgrader validate` reports each
    unanswered cell as "Partial credit; passed some but not all of the tests"; the notebook's
    check cell says instead which question is not answered yet. The gradebook keeps the
    checksum (nbgrader's SaveCells ran before), so autograde still marks "No response."."""

    def answer_cell(self, cell: NotebookNode) -> None:
        cell.metadata["nbgrader"].pop("checksum", None)


def generate_assignment_preprocessors(defaults: list | None = None) -> list:
    """nbgrader's GenerateAssignment chain with KeepQuizAnswerStubs right after ClearSolutions
    and DropQuizAnswerChecksums last.

    For nbgrader_config.py: `c.GenerateAssignment.preprocessors = generate_assignment_preprocessors()`.
    """
    if defaults is None:
        from nbgrader.converters import GenerateAssignment

        defaults = list(GenerateAssignment.class_traits()["preprocessors"].make_dynamic_default())
    chain = [p for p in defaults if p not in (KeepQuizAnswerStubs, DropQuizAnswerChecksums)]
    position = chain.index(ClearSolutions) + 1
    return chain[:position] + [KeepQuizAnswerStubs] + chain[position:] + [DropQuizAnswerChecksums]

