"""Compares one answer with the key: "B", " b ", ["c", "a"], "true", 0.250001 ...

The answer is first put in the form the key is written in (`answer_form.normalise_answer`, the
function the notebooks' check cell runs too), then graded by its question type
(`grucourse.quiz.types`). A verdict is the share of the question's points earned: 1 or 0,
except for partial credit on a multiple-answer question.
"""
from __future__ import annotations

from typing import Any

from grucourse.quiz.answer_form import normalise_answer
from grucourse.quiz.model import Question
from grucourse.quiz.types import question_type
from grucourse.quiz.types.base import Verdict

__all__ = ["Verdict", "check_answer"]


def check_answer(question: Question, given: Any, expected: Any) -> Verdict:
    """(share of the points earned, 0 to 1; what the student is told about their value) for one question."""
    value, problem = normalise_answer(given, question.type, list(question.choices))
    if problem:
        return 0.0, problem + "."
    return question_type(question.type).check(question, value, expected)
