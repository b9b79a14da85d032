"""Zip members stored as the LMSes store them, and the grade files read back by the rules each
LMS's importer applies (Moodle: assignfeedback_offline and assignfeedback_file's zip importer;
Canvas: the gradebook import's required columns)."""
from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path


class LegacyName(zipfile.ZipInfo):
    """A member whose name is stored as raw bytes without the UTF-8 flag, as Windows' compressed
    folders (cp437) and PHP's ZipArchive (UTF-8 bytes, no flag) store them."""

    def __init__(self, raw: bytes, date_time: tuple = (2026, 12, 1, 10, 30, 0)) -> None:
        super().__init__(raw.decode("cp437"), date_time=date_time)
        self.raw = raw

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802 (zipfile's name)
        return self.raw, self.flag_bits & ~0x800


def read_moodle_worksheet(path: Path) -> list[dict]:
    """Each row as Moodle's offline-grading importer sees it: the participant number after
    'Participant ', the "Grade" cell, and the row; the three columns it needs must exist."""
    with open(path, newline="", encoding="utf-8") as handle:
        assert not handle.read(1).startswith("\ufeff"), "no byte-order mark before 'Identifier'"
        handle.seek(0)
        rows = list(csv.DictReader(handle))
    assert rows and {"Identifier", "Grade", "Last modified (grade)"} <= set(rows[0])
    found = []
    for row in rows:
        assert row["Identifier"].startswith("Participant ")
        grade = row["Grade"]
        assert grade == "" or re.fullmatch(r"\d+\.\d{2}", grade), f"Moodle's unformat_float reads {grade!r}"
        found.append({"participant": row["Identifier"][len("Participant "):], "grade": grade, "row": row})
    return found


def read_moodle_feedback_zip(path: Path) -> dict[str, dict[str, bytes]]:
    """participant number -> {file name: bytes}, by Moodle's is_valid_filename_for_import: a path
    part split on '_' into at most 5 pieces, the second numeric, the next two the plugin."""
    found: dict[str, dict[str, bytes]] = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            parts = info.filename.split("/")
            for i, part in enumerate(parts):
                pieces = part.split("_", 4)
                if len(pieces) >= 4 and pieces[1].isdigit():
                    assert (pieces[2], pieces[3]) == ("assignfeedback", "file"), info.filename
                    name = "/".join([*(pieces[4:] if len(pieces) > 4 else [""]), *parts[i + 1:]]).strip("/")
                    found.setdefault(pieces[1], {})[name] = archive.read(info)
                    break
            else:
                raise AssertionError(f"{info.filename}: Moodle finds no participant in it")
    return found


def read_canvas_import(path: Path) -> tuple[list[str], dict[str, str], dict[str, dict[str, str]]]:
    """(header, Points Possible row, Canvas user id -> assignment cells) as Canvas's gradebook
    import reads them: the five student columns first, then 'Name (id)' assignment columns."""
    with open(path, newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    assert header[:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assignments = header[5:]
    assert all(re.fullmatch(r".+ \(\d+\)", a) for a in assignments)
    points, grades = {}, {}
    for row in rows:
        cells = dict(zip(assignments, row[5:], strict=False))
        if row[0].strip() == "Points Possible":
            points = cells
            continue
        assert row[1].isdigit(), "Canvas finds the student by ID"
        assert all(re.fullmatch(r"\d+\.\d{2}", v) for v in cells.values())
        grades[row[1]] = cells
    return header, points, grades
