"""Per-student variants of numeric questions, derived from the nbgrader student id.

The released notebook is the same for everyone; `variant_value` is copied verbatim into it so a
student computes their own values, and the grader calls the same function with the id the
submission was collected under.
"""
from __future__ import annotations

import inspect

from grucourse.quiz.formula import evaluate
from grucourse.quiz.model import Question


def variant_value(student_id: str, question_id: str, name: str, values: list) -> float:
    """The value of `name` in `question_id` for this student: a SHA-256 of the three, modulo len(values)."""
    import hashlib

    digest = hashlib.sha256(f"{student_id.strip()}/{question_id}/{name}".encode()).digest()
    return values[int.from_bytes(digest[:8], "big") % len(values)]


def variant_source() -> str:
    """Source of `variant_value` as shipped in the quiz notebooks (one definition, two users)."""
    return inspect.getsource(variant_value)


def student_values(question: Question, student_id: str) -> dict[str, float]:
    """The params of `question` for this student (empty for questions without variants)."""
    if question.params is None:
        return {}
    return {
        name: variant_value(student_id, question.id, name, list(values))
        for name, values in question.params.values.items()
    }


def expected_answer(question: Question, student_id: str) -> object:
    """The key for this student: the formula for their variant, else the bank's answer."""
    if question.params is None:
        return question.answer
    return evaluate(question.params.formula, student_values(question, student_id))
