"""Numeric answers of per-student variants: the bank's formula at the values drawn for a student.

The values themselves are drawn with the rest of the slot (`grucourse.quiz.draw`) and written
into the student's prompt; the formula never leaves the bank.
"""
from __future__ import annotations

from collections.abc import Mapping

from grucourse.quiz.formula import evaluate
from grucourse.quiz.model import Question


def expected_answer(question: Question, values: Mapping[str, float]) -> object:
    """The key for these values: the formula when the question has params, else the bank's answer."""
    if question.params is None:
        return question.answer
    return evaluate(question.params.formula, values)
