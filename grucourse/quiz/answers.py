"""Reads literal answers out of a submitted quiz notebook without executing anything.

Every code cell is parsed with `ast`; top-level `answer_<id> = <expr>` assignments are collected
in notebook order (the last one wins) and `<expr>` is only ever passed to `ast.literal_eval`.
Cells are located by their content, never by nbgrader metadata, which a student can edit.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Any, Iterable

MAX_CELL_CHARS = 200_000
NOT_LITERAL = 'answers must be literal values, e.g. "b" or 0.25'
_MAGIC_LINE = re.compile(r"^\s*[%!]")
_LITERAL_ERRORS = (ValueError, TypeError, SyntaxError, MemoryError, RecursionError)


@dataclass(frozen=True)
class Found:
    """What a notebook assigns to one name: a literal value, or why there is none."""

    value: Any = None
    error: str = ""


def read_assignments(notebook: Any, names: Iterable[str]) -> tuple[dict[str, Found], list[str]]:
    """Last literal assigned to each of `names` in the code cells, and problems found on the way."""
    wanted = set(names)
    found: dict[str, Found] = {}
    problems: list[str] = []
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if not isinstance(source, str):
            problems.append(f"code cell {number}: its source is not text; it was skipped")
            continue
        if len(source) > MAX_CELL_CHARS:
            problems.append(f"code cell {number}: {len(source)} characters, more than {MAX_CELL_CHARS}; skipped")
            _mark_unreadable(found, wanted, source, "the cell is too long to be read")
            continue
        try:
            tree = ast.parse(_without_magics(source))
        except (SyntaxError, ValueError, MemoryError, RecursionError) as exc:
            where = f"line {exc.lineno}: " if isinstance(exc, SyntaxError) and exc.lineno else ""
            reason = f"syntax error ({where}{getattr(exc, 'msg', None) or type(exc).__name__})"
            problems.append(f"code cell {number}: {reason}; its answers could not be read")
            _mark_unreadable(found, wanted, source, f"the cell with this answer has a {reason}")
            continue
        for statement in tree.body:
            for name, value in _assigned(statement):
                if name in wanted:
                    found[name] = _literal(value)
    return found, problems


def _without_magics(source: str) -> str:
    """Blank IPython magics and shell escapes so the rest of the cell still parses."""
    return "\n".join("" if _MAGIC_LINE.match(line) else line for line in source.split("\n"))


def _mark_unreadable(found: dict[str, Found], wanted: set[str], source: str, reason: str) -> None:
    for name in wanted:
        if re.search(rf"^\s*{re.escape(name)}\s*[:=]", source, flags=re.MULTILINE):
            found[name] = Found(error=reason)


def _assigned(statement: ast.stmt) -> list[tuple[str, ast.expr | None]]:
    """(name, value expression) for every plain name a top-level statement binds."""
    if isinstance(statement, ast.Assign):
        return [(t.id, statement.value) for t in statement.targets if isinstance(t, ast.Name)]
    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        return [(statement.target.id, statement.value)]
    if isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name):
        return [(statement.target.id, None)]
    return []


def _literal(value: ast.expr | None) -> Found:
    if value is None:
        return Found(error=NOT_LITERAL)
    try:
        return Found(value=ast.literal_eval(value))
    except _LITERAL_ERRORS:
        return Found(error=NOT_LITERAL)
