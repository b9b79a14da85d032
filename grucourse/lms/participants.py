"""`lms_participants.csv`: which LMS participant each collected student is.

`grucourse collect` records every participant it placed (LMS, scope, participant number,
student id, the LMS's name); a later download is matched by participant number first, and the
grade and feedback files name each student by the number the LMS knows. Canvas's user ids hold
for the whole course; Moodle numbers participants per assignment (its assign_user_mapping), so
a Moodle number is recorded, and looked up, for its assignment only. Numbers and ids are plain
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
COURSE_WIDE = "*"


def scope(lms: str, assignment: str) -> str:
    """Where an LMS's participant numbers hold: Moodle's one assignment, Canvas's whole course."""
    return assignment if lms == "moodle" else COURSE_WIDE


@dataclass(frozen=True, order=True)
class Participant:
    lms: str
    scope: str  # the assignment (Moodle) or COURSE_WIDE (Canvas)
    participant: str
    student: str
    name: str

    @property
    def key(self) -> tuple[str, str, str]:
        return self.lms, self.scope, self.participant


def read_ledger(course: Course) -> dict[tuple[str, str, str], Participant]:
    """(lms, scope, participant number) -> what was recorded for it; empty before any collect."""
    path = course.root / FILE_NAME
    if not path.is_file():
        return {}
    with open(path, newline="", encoding="utf-8") as handle:
        rows = [Participant(**{f.name: row[f.name] for f in fields(Participant)}) for row in csv.DictReader(handle)]
    return {p.key: p for p in rows}


def participants(course: Course, lms: str, assignment: str) -> dict[str, str]:
    """Participant number -> student id, as the LMS numbers them for this assignment."""
    where = scope(lms, assignment)
    return {p.participant: p.student for p in read_ledger(course).values() if (p.lms, p.scope) == (lms, where)}


def record(course: Course, new: Iterable[Participant]) -> None:
    """Add (or update) participants and rewrite the file atomically."""
    known = read_ledger(course)
    known.update({p.key: p for p in new})
    path = course.root / FILE_NAME
    tmp = path.with_name(f".{FILE_NAME}.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as handle:
        writer = csv_safe.writer(handle)
        writer.writerow(f.name for f in fields(Participant))
        writer.writerows(astuple(p) for p in sorted(known.values()))
    os.replace(tmp, path)
