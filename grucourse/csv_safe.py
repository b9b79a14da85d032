"""CSV files the instructor opens in a spreadsheet, written so that no cell is read as a formula.

Spreadsheets evaluate a cell that starts with `=`, `+`, `-` or `@` (and, in some, one starting
with a tab or carriage return) as a formula: a student id such as `=HYPERLINK(...)` would run
when the instructor opens scores.csv. Following OWASP's rule, such text cells are prefixed with
a single quote. Numbers stay numbers, also when already formatted as text ("-0.1250"). Every CSV
the project writes goes through `writer`.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, TextIO

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def cell(value: Any) -> Any:
    """`value` as a CSV cell a spreadsheet will not evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not NUMBER.fullmatch(value):
        return "'" + value
    return value


class SafeWriter:
    """`csv.writer` whose rows have every text cell escaped by `cell`."""

    def __init__(self, handle: TextIO, **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(handle: TextIO, **options: Any) -> SafeWriter:
    """The project's CSV writer (same options as `csv.writer`)."""
    return SafeWriter(handle, **options)
