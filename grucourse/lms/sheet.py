"""What the grade files share: reading the LMS's own CSV, writing ours, saying what was left out."""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from grucourse import csv_safe


class ExportError(ValueError):
    """The LMS file cannot be filled in (a column it needs is missing, maximums disagree)."""


@dataclass
class Filled:
    """What a grade file got: a grade per participant, and who was left out and why."""

    graded: dict[str, str] = field(default_factory=dict)  # participant number -> grade written
    left_out: list[str] = field(default_factory=list)  # why a row or a student has no grade


def read_rows(path: Path) -> list[list[str]]:
    """The rows of a CSV the LMS wrote (UTF-8, with or without a byte-order mark)."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))


def column(header: list[str], name: str, path: Path) -> int:
    """The index of a column the LMS needs, or ExportError naming it."""
    if name not in header:
        raise ExportError(f"{path}: no {name!r} column (has {', '.join(map(repr, header))}); "
                          "use the file as the LMS downloaded it")
    return header.index(name)


def write_rows(path: Path, rows: list[list[str]]) -> Path:
    """UTF-8 without a byte-order mark, every cell through csv_safe (names are student-authored)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv_safe.writer(handle).writerows(rows)
    return path
