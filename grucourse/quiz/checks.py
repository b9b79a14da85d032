"""Compares one normalised answer with the key: "B", " b ", ["c", "a"], "true", 0.250001 ..."""
from __future__ import annotations

import math
import re
from typing import Any

from grucourse.quiz.model import Question

Verdict = tuple[bool, str]


def check_answer(question: Question, given: Any, expected: Any) -> Verdict:
    """(correct?, what the student is told about their value) for one question."""
    if given is None:
        return False, "not answered (the answer is still None)."
    return _CHECKERS[question.type](question, given, expected)


def _keys(question: Question) -> str:
    return ", ".join(f'"{k}"' for k in question.choices)


def _check_single(question: Question, given: Any, expected: Any) -> Verdict:
    if isinstance(given, (list, tuple, set)) and len(given) == 1:
        given = next(iter(given))
    if not isinstance(given, str):
        return False, f"give one choice key as a string ({_keys(question)}), not {type(given).__name__}."
    key = given.strip().lower()
    if key not in question.choices:
        return False, f"{given!r} is not one of the choice keys {_keys(question)}."
    if key != expected:
        return False, f'"{key}" is not the right choice.'
    return True, f'"{key}" is right.'


def _check_multiple(question: Question, given: Any, expected: Any) -> Verdict:
    if isinstance(given, str):
        given = [k for k in re.split(r"[\s,]+", given) if k]
    if not isinstance(given, (list, tuple, set)) or not all(isinstance(k, str) for k in given):
        return False, f"give a list of choice keys as strings, like [\"a\", \"c\"] (keys: {_keys(question)})."
    keys = {k.strip().lower() for k in given}
    unknown = sorted(keys - set(question.choices))
    if unknown:
        return False, f"{', '.join(map(repr, unknown))} not among the choice keys {_keys(question)}."
    shown = ", ".join(f'"{k}"' for k in sorted(keys)) or "nothing"
    if keys != set(expected):
        return False, f"{shown} is not exactly the set of right choices."
    return True, f"{shown} is right."


def _check_true_false(question: Question, given: Any, expected: Any) -> Verdict:
    if isinstance(given, str) and given.strip().lower() in ("true", "false"):
        given = given.strip().lower() == "true"
    if not isinstance(given, bool):
        return False, f"answer True or False, not {given!r}."
    if given != expected:
        return False, f"{given} is not right."
    return True, f"{given} is right."


def _check_numeric(question: Question, given: Any, expected: Any) -> Verdict:
    value = _as_number(given)
    if value is None:
        return False, f"give a number, like 0.25 or 1200, not {given!r}."
    tolerance = question.tolerance or 0.0
    slack = tolerance + 1e-9 * max(1.0, abs(expected))
    if not math.isfinite(value) or abs(value - expected) > slack:
        margin = f" within {tolerance:g}" if tolerance else ""
        return False, f"{value:g} is not{margin} the right value."
    return True, f"{value:g} is right."


def _as_number(given: Any) -> float | None:
    if isinstance(given, bool):
        return None
    if isinstance(given, (int, float)):
        try:
            return float(given)
        except OverflowError:
            return math.inf
    if isinstance(given, str):
        try:
            return float(given.strip().replace("_", ""))
        except ValueError:
            return None
    return None


_CHECKERS = {
    "single": _check_single,
    "multiple": _check_multiple,
    "true_false": _check_true_false,
    "numeric": _check_numeric,
}
