"""`lms_participants.csv`: which LMS participant each collected student is.

`grucourse collect` records every participant it placed (LMS, participant number, student id,
the LMS's name); a later download is matched by participant number first, and the grade and
feedback files name each student by the number the LMS knows. Participants and ids are plain
text (digits, plain ids); the name is student-authored and written through `csv_safe`.
"""
from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from dataclasses import astuple, dataclass, fields

from grucourse import csv_safe
from grucourse.course import Course

FILE_NAME = "lms_participants.csv"


@dataclass(frozen=True, order=True)
class Participant:
    lms: str
    participant: str
    student: str
    name: str


def read_ledger(course: Course) -> dict[tuple[str, str], Participant]:
    """(lms, participant number) -> what was recorded for it; empty before any collect."""
    path = course.root / FILE_NAME
    if not path.is_file():
        return {}
    with open(path, newline="", encoding="utf-8") as handle:
        rows = [Participant(**{f.name: row[f.name] for f in fields(Participant)}) for row in csv.DictReader(handle)]
    return {(p.lms, p.participant): p for p in rows}


def record(course: Course, new: Iterable[Participant]) -> None:
    """Add (or update) participants and rewrite the file atomically."""
    known = read_ledger(course)
    known.update({(p.lms, p.participant): p for p in new})
    path = course.root / FILE_NAME
    tmp = path.with_name(f".{FILE_NAME}.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as handle:
        writer = csv_safe.writer(handle)
        writer.writerow(f.name for f in fields(Participant))
        writer.writerows(astuple(p) for p in sorted(known.values()))
    os.replace(tmp, path)


def by_lms(course: Course, lms: str) -> dict[str, Participant]:
    """Student id -> participant, for one LMS."""
    return {p.student: p for p in read_ledger(course).values() if p.lms == lms}
