"""Arithmetic formulas of per-student variants (e.g. "3 * h * (d + h + 1)"), evaluated safely.

Formulas come from the instructor's bank, but they are still evaluated by walking the AST
with a fixed set of operators rather than by `eval`, so a typo cannot run code.
"""
from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from typing import cast

_BINARY: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY: dict[type, Callable[[float], float]] = {ast.USub: operator.neg, ast.UAdd: operator.pos}


class FormulaError(ValueError):
    """The formula is not plain arithmetic over the declared names."""


def formula_names(formula: str) -> set[str]:
    """Names a formula uses (so the validator can compare them with the declared params)."""
    return {n.id for n in ast.walk(_parse(formula)) if isinstance(n, ast.Name)}


def evaluate(formula: str, values: Mapping[str, float]) -> float:
    """Value of `formula` with `values` substituted; FormulaError on anything but arithmetic."""
    return _eval(_parse(formula).body, values)


def _parse(formula: str) -> ast.Expression:
    try:
        return ast.parse(formula, mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"formula {formula!r} is not valid: {exc.msg}") from None


def _eval(node: ast.AST, values: Mapping[str, float]) -> float:
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return cast(float, node.value)
    if isinstance(node, ast.Name):
        if node.id not in values:
            raise FormulaError(f"formula uses {node.id!r}, which is not among the params values")
        return values[node.id]
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _eval(node.left, values), _eval(node.right, values)
        if isinstance(node.op, ast.Pow) and abs(right) > 64:
            raise FormulaError("exponent too large")
        try:
            return _BINARY[type(node.op)](left, right)
        except ZeroDivisionError:
            raise FormulaError("division by zero") from None
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_eval(node.operand, values))
    raise FormulaError(f"formula may only use numbers, params names and + - * / // % **, not {ast.unparse(node)!r}")
