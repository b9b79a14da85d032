"""Compares one normalised answer with the key: "B", " b ", ["c", "a"], "true", 0.250001 ...

A verdict is the share of the question's points earned: 1 or 0, except for a multiple-answer
question with `scoring: partial`, which earns (right picks - wrong picks) / right choices, at
least 0. That is the Open University's multiple-response rule for Moodle (qtype_oumultiresponse:
"1/n for each correct choice, and loses 1/n for each incorrect choice") and what Moodle's own
multiple-answer question gives with +100/n % per right and -100/n % per wrong choice, a negative
total counting as zero (https://docs.moodle.org/en/Multiple_Choice_question_type).
"""
from __future__ import annotations

import math
from typing import Any

from grucourse.quiz.answer_form import normalise_answer
from grucourse.quiz.model import Question

Verdict = tuple[float, str]


def check_answer(question: Question, given: Any, expected: Any) -> Verdict:
    """(share of the points earned, 0 to 1; what the student is told about their value) for one question."""
    value, problem = normalise_answer(given, question.type, list(question.choices))
    if problem:
        return 0.0, problem + "."
    return _CHECKERS[question.type](question, value, expected)


def _check_single(question: Question, key: str, expected: Any) -> Verdict:
    if key != expected:
        return 0.0, f'"{key}" is not the right choice.'
    return 1.0, f'"{key}" is right.'


def _check_multiple(question: Question, keys: set[str], expected: Any) -> Verdict:
    shown = ", ".join(f'"{k}"' for k in sorted(keys)) or "nothing"
    if keys == set(expected):
        return 1.0, f"{shown} is right."
    if question.scoring == "partial":
        return _right_minus_wrong(shown, len(keys & set(expected)), len(keys - set(expected)), len(expected))
    return 0.0, f"{shown} is not exactly the set of right choices."


def _right_minus_wrong(shown: str, right: int, wrong: int, keys: int) -> Verdict:
    """Partial credit and a message that counts picks without naming which were right."""
    credit = max(0.0, (right - wrong) / keys)
    counts = (f"{shown}: {right} of the {keys} right choices picked and {wrong} wrong "
              f"pick{'s' if wrong != 1 else ''}, so ({right} - {wrong}) / {keys}")
    if credit == 0:
        return 0.0, f"{counts} earns nothing (partial credit never goes below zero)."
    return credit, f"{counts} = {credit:.3g} of the points (right minus wrong picks)."


def _check_true_false(question: Question, given: bool, expected: Any) -> Verdict:
    if given != expected:
        return 0.0, f"{given} is not right."
    return 1.0, f"{given} is right."


def _check_numeric(question: Question, value: float, expected: Any) -> Verdict:
    tolerance = question.tolerance or 0.0
    slack = tolerance + 1e-9 * max(1.0, abs(expected))
    if not math.isfinite(value) or abs(value - expected) > slack:
        margin = f" within {tolerance:g}" if tolerance else ""
        return 0.0, f"{value:g} is not{margin} the right value."
    return 1.0, f"{value:g} is right."


_CHECKERS = {
    "single": _check_single,
    "multiple": _check_multiple,
    "true_false": _check_true_false,
    "numeric": _check_numeric,
}
