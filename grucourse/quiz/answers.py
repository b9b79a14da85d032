"""Reads literal answers out of a submitted quiz notebook without executing anything.

Every code cell is parsed with `ast` (`grucourse.quiz.answer_form.read_answer_cell`, the reader
the notebooks' check cell uses too); top-level `answer_<id> = <expr>` assignments are collected
in notebook order (the last one wins) and `<expr>` is only ever passed to `ast.literal_eval`.
Cells are located by their content, never by nbgrader metadata, which a student can edit.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from grucourse.quiz.answer_form import read_answer_cell

MAX_CELL_CHARS = 200_000


@dataclass(frozen=True)
class Found:
    """What a notebook assigns to one name: a literal value, or why there is none."""

    value: Any = None
    error: str = ""


def read_assignments(notebook: Any, names: Iterable[str]) -> tuple[dict[str, Found], list[str]]:
    """Last literal assigned to each of `names` in the code cells, and problems found on the way."""
    wanted = sorted(set(names))
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
        values, problem = read_answer_cell(source, wanted)
        if problem:
            problems.append(f"code cell {number} has {problem}; only the answers in it that could be read count")
        found.update((name, Found(value, error)) for name, (value, error) in values.items())
    return found, problems


def _mark_unreadable(found: dict[str, Found], wanted: list[str], source: str, reason: str) -> None:
    for name in wanted:
        if re.search(rf"^\s*{re.escape(name)}\s*[:=]", source, flags=re.MULTILINE):
            found[name] = Found(error=reason)
