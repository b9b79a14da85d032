"""Numeric answers of per-student variants: the bank's formula at the values drawn for a student.

The values themselves are drawn with the rest of the slot (`grucourse.quiz.draw`) and written
into the student's prompt; the formula never leaves the bank.
"""
from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping
from typing import Any

from grucourse.quiz.formula import FormulaError, evaluate, formula_names
from grucourse.quiz.model import Question

MAX_VARIANTS = 100_000
"""More combinations of params values than this are refused: each is evaluated when validating."""


def expected_answer(question: Question, values: Mapping[str, float]) -> object:
    """The key for these values: the formula when the question has params, else the bank's answer."""
    if question.params is None:
        return question.answer
    return evaluate(question.params.formula, values)


def params_problems(q: dict[str, Any]) -> Iterator[tuple[list[Any], str]]:
    """Params that cannot give every student a finite answer, or that disagree with `answer`."""
    values, formula = q["params"]["values"], q["params"]["formula"]
    try:
        names = formula_names(formula)
    except FormulaError as exc:
        yield ["params", "formula"], f"bad params: {exc}"
        return
    if names != set(values):
        yield ["params"], f"bad params: formula uses {sorted(names)} but values declare {sorted(values)}"
        return
    for name in values:
        if "{" + name + "}" not in q["prompt"]:
            yield ["prompt"], f"bad params: the prompt must show {{{name}}}"
    combos = math.prod(len(v) for v in values.values())
    if combos > MAX_VARIANTS:
        yield ["params", "values"], f"bad params: {combos} variants, at most {MAX_VARIANTS}"
        return
    try:
        results = [evaluate(formula, dict(zip(values, combo, strict=True))) for combo in itertools.product(*values.values())]
        example = evaluate(formula, {name: vals[0] for name, vals in values.items()})
    except (FormulaError, ArithmeticError) as exc:
        yield ["params", "formula"], f"bad params: {exc}"
        return
    if not all(math.isfinite(r) for r in results):
        yield ["params", "formula"], "bad params: the formula is not finite for every variant"
    if abs(example - q["answer"]) > q["tolerance"]:
        yield ["answer"], (f"bad params: answer {q['answer']} differs from the formula at the first "
                           f"values ({example:g})")
