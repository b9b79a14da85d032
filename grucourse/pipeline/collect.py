"""Importing an LMS download (Moodle or Canvas zip) into nbgrader's `submitted/` folder.

Nothing is guessed: every member of the archive ends as one `Outcome`, placed under a known
student or refused with its reason. A participant (`grucourse.lms.downloads`) is matched, in
this order, by its LMS number (in `--map`, then in `lms_participants.csv` from earlier
collects), by its name in `--map`, or by a login that is already a student of the course; a
name is never turned into an id. Two participants claiming one student are both refused, and a
notebook already in submitted/ is never replaced by a different one.

Members are never extracted by path: each is checked (no `../`, no absolute path, no symlink,
bounded size and compression ratio) and read into memory with a cap, then written to the one
place it belongs, `submitted/<student>/<assignment>/<assignment>.ipynb`, beside the
`timestamp.txt` (the LMS's upload time, so nbgrader's late penalty applies) and
`submission_secret.txt` that `nbgrader submit` would have left, which `release_feedback` reads.
"""
from __future__ import annotations

import csv
import os
import re
import secrets
import stat
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo
from pathlib import Path, PurePosixPath

from nbgrader.utils import parse_utc

from grucourse.course import Course
from grucourse.ids import RULE, is_plain_id, shown
from grucourse.lms.downloads import LmsFile, member_name, name_key, parse
from grucourse.lms.participants import Participant, read_ledger, record, scope
from grucourse.terminal import printable

MAX_ENTRY_BYTES = 20 * 2**20
MAX_TOTAL_BYTES = 2 * 2**30
MAX_RATIO = 200
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"  # nbgrader's Exchange.timestamp_format

PLACED, UNCHANGED, EARLIER, REFUSED = "placed", "unchanged", "earlier upload", "refused"


class UnsafeEntry(ValueError):
    """An archive member that must not be written anywhere."""


class CollectError(ValueError):
    """The import cannot start (unknown assignment, unreadable map); nothing was written."""


@dataclass
class Outcome:
    """What became of one archive member."""

    entry: str  # the member's name, decoded
    status: str  # PLACED, UNCHANGED, EARLIER or REFUSED
    reason: str = ""
    student: str = ""
    participant: str = ""  # "moodle:1001"
    late: bool = False  # the LMS marked it late
    timestamp: str = ""  # what timestamp.txt holds


@dataclass
class Collected:
    outcomes: list[Outcome] = field(default_factory=list)

    def having(self, status: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def refused(self) -> list[Outcome]:
        return self.having(REFUSED)


@dataclass(frozen=True)
class Entry:
    """An archive member named as an LMS names a submitted file."""

    info: zipfile.ZipInfo
    name: str  # decoded member name
    lms_file: LmsFile


def read_mapping(path: Path) -> dict[str, str]:
    """CSV with columns `lms_name,student_id`; `lms_name` is the participant number (also as
    Moodle writes it, "Participant 1001"), the full name or the login. A key given two ids is
    an error, not a choice."""
    mapping: dict[str, str] = {}
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if not {"lms_name", "student_id"} <= set(reader.fieldnames or ()):
            raise CollectError(f"{path}: needs the columns lms_name,student_id (has {reader.fieldnames})")
        for row in reader:
            key, student = _map_key(row["lms_name"] or ""), (row["student_id"] or "").strip()
            if mapping.get(key, student) != student:
                raise CollectError(f"{path}: {shown(row['lms_name'])} is mapped to both {shown(mapping[key])} "
                                   f"and {shown(student)}")
            mapping[key] = student
    return mapping


def _map_key(lms_name: str) -> str:
    text = lms_name.strip()
    number = re.fullmatch(r"(?:participant\s*)?(\d+)", text, re.IGNORECASE)
    return number[1] if number else name_key(text)


def quoted(name: str) -> str:
    """A student-authored name in a message: quoted, its letters kept, controls escaped."""
    return f"'{printable(name)}'"


def known_assignments(course: Course) -> set[str]:
    """The course's assignments (source/ and quizzes/), and any in release/ or the gradebook."""
    released = {p.parent.name for p in course.release.glob("*/*.ipynb") if p.stem == p.parent.name}
    return set(course.assignments()) | released | set(_gradebook_names(course, "assignment"))


GRADEBOOK_QUERIES = {"assignment": "SELECT name FROM assignment", "student": "SELECT id FROM student"}


def _gradebook_names(course: Course, table: str) -> list[str]:
    """Names of nbgrader's assignments or ids of its students, read without creating a gradebook."""
    return [row[0] for row in _query(course, GRADEBOOK_QUERIES[table])]


def _query(course: Course, sql: str, *params: str) -> list[tuple]:
    """Rows of a read-only query of the gradebook; none when there is no gradebook yet."""
    if not course.gradebook.is_file():
        return []
    import sqlite3

    with sqlite3.connect(f"file:{course.gradebook}?mode=ro", uri=True) as db:
        return db.execute(sql, params).fetchall()


def check_assignment(course: Course, assignment: str) -> None:
    known = known_assignments(course)
    if assignment not in known:
        listed = ", ".join(sorted(known)) or "none: source/, release/ and the gradebook are empty"
        raise CollectError(f"{shown(assignment)} is not an assignment of this course (known: {listed})")


def check_entry(info: zipfile.ZipInfo, name: str, total: int) -> None:
    """Raise UnsafeEntry for anything that could escape the course folder or exhaust the disk."""
    parts = PurePosixPath(name).parts
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        raise UnsafeEntry("absolute path")
    if ".." in parts:
        raise UnsafeEntry("path leaves the archive folder ('..')")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise UnsafeEntry("symbolic link")
    if info.file_size > MAX_ENTRY_BYTES:
        raise UnsafeEntry(f"{info.file_size} bytes, more than {MAX_ENTRY_BYTES}")
    if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 2**20:
        raise UnsafeEntry(f"compressed {info.file_size // info.compress_size}:1, a zip bomb")
    if total + info.file_size > MAX_TOTAL_BYTES:
        raise UnsafeEntry(f"archive unpacks to more than {MAX_TOTAL_BYTES} bytes")


def read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The member's bytes, never more than MAX_ENTRY_BYTES whatever its header claims."""
    with archive.open(info) as handle:
        data = handle.read(MAX_ENTRY_BYTES + 1)
    if len(data) > MAX_ENTRY_BYTES:
        raise UnsafeEntry(f"unpacks to more than {MAX_ENTRY_BYTES} bytes")
    return data


def collect_zip(course: Course, archive_path: Path, assignment: str, mapping: dict[str, str] | None = None,
                tz: tzinfo = timezone.utc, legacy_encoding: str = "cp437") -> Collected:
    """Place one notebook per participant of the archive, or say why not (see the module)."""
    check_assignment(course, assignment)
    done = Collected()
    with zipfile.ZipFile(archive_path) as archive:
        entries = _recognised(archive, assignment, legacy_encoding, done)
        chosen = _one_per_participant(entries, assignment, done)
        resolved = _Resolver(course, assignment, mapping).resolve(chosen, done)
        placed = []
        for entry, student in resolved:
            outcome = Outcome(entry.name, PLACED, student=student, participant=entry.lms_file.key,
                              late=entry.lms_file.late, timestamp=_timestamp(entry.info, tz))
            try:
                _place(course, assignment, entry, read_capped(archive, entry.info), outcome)
                placed.append(Participant(entry.lms_file.lms, scope(entry.lms_file.lms, assignment), entry.lms_file.participant,
                                          student, entry.lms_file.name))
            except UnsafeEntry as exc:
                outcome.status, outcome.reason = REFUSED, str(exc)
            done.outcomes.append(outcome)
    if placed:
        record(course, placed)
    _note_lateness(course, assignment, done)
    done.outcomes.sort(key=lambda o: o.entry)
    return done


def _recognised(archive: zipfile.ZipFile, assignment: str, legacy: str, done: Collected) -> list[Entry]:
    """The safe members that are notebooks named as an LMS names submissions; the rest refused."""
    entries = []
    total = 0
    for info in archive.infolist():
        if info.is_dir():
            continue
        name = member_name(info, legacy)
        try:
            check_entry(info, name, total)
        except UnsafeEntry as exc:
            done.outcomes.append(Outcome(name, REFUSED, str(exc)))
            continue
        total += info.file_size
        lms_file = parse(name)
        if lms_file is None:
            done.outcomes.append(Outcome(name, REFUSED, "not a name Moodle or Canvas gives a submitted file"))
        elif lms_file.plugin != "file" or not lms_file.file.endswith(".ipynb"):
            what = "online text" if lms_file.plugin == "onlinetext" else "not a notebook (.ipynb)"
            done.outcomes.append(Outcome(name, REFUSED, f"{what}; only {assignment}.ipynb is collected",
                                         participant=lms_file.key))
        else:
            entries.append(Entry(info, name, lms_file))
    return entries


def _one_per_participant(entries: list[Entry], assignment: str, done: Collected) -> list[Entry]:
    """One notebook per participant: Canvas's latest upload (largest attachment id); of several
    Moodle notebooks only the one named `<assignment>.ipynb`, else none."""
    by_participant: dict[str, list[Entry]] = {}
    for entry in entries:
        by_participant.setdefault(entry.lms_file.key, []).append(entry)
    chosen = []
    for key, own in sorted(by_participant.items()):
        if own[0].lms_file.lms == "canvas":
            own.sort(key=lambda e: e.lms_file.attempt)
            keep: Entry | None = own[-1]
        else:
            named = [e for e in own if PurePosixPath(e.lms_file.file).name == f"{assignment}.ipynb"]
            keep = own[0] if len(own) == 1 else (named[0] if len(named) == 1 else None)
        for entry in own:
            if keep is None:
                done.outcomes.append(Outcome(entry.name, REFUSED, f"{key} handed in {len(own)} notebooks, none or "
                                             f"several named {assignment}.ipynb; collect the right one by hand",
                                             participant=key))
            elif entry is not keep:
                status = EARLIER if entry.lms_file.lms == "canvas" else REFUSED
                done.outcomes.append(Outcome(entry.name, status, f"{key} has a later upload in the archive, "
                                             f"{quoted(keep.name)}, which is the one collected" if status == EARLIER
                                             else f"another notebook of {key}; {quoted(keep.name)} is collected",
                                             participant=key))
        if keep is not None:
            chosen.append(keep)
    return chosen


class _Resolver:
    """Who a participant is: the map by number, the record of earlier collects, the map by name,
    a login that is already a student; never a name made into an id."""

    def __init__(self, course: Course, assignment: str, mapping: dict[str, str] | None) -> None:
        self.mapping = mapping
        self.assignment = assignment
        self.ledger = read_ledger(course)
        self.students = set(_gradebook_names(course, "student"))
        self.students |= {p.name for p in course.submitted.glob("*") if p.is_dir()} if course.submitted.is_dir() else set()

    def student(self, lms_file: LmsFile) -> str:
        """The student id, or UnsafeEntry saying why there is none."""
        mapping = self.mapping or {}
        recorded = self.ledger.get((lms_file.lms, scope(lms_file.lms, self.assignment), lms_file.participant))
        by_number = mapping.get(lms_file.participant)
        if by_number and recorded and recorded.student != by_number:
            raise UnsafeEntry(f"{lms_file.key} is {shown(by_number)} in the map but was collected as "
                              f"{shown(recorded.student)} before (lms_participants.csv); fix one of them")
        student = by_number or (recorded.student if recorded else None) or mapping.get(name_key(lms_file.name))
        if student is None and lms_file.name in self.students:
            student = lms_file.name
        if student is None:
            where = "in the map (by number or name)" if self.mapping is not None else "without a map (--map)"
            raise UnsafeEntry(f"{lms_file.key} {quoted(lms_file.name)} is no known student {where}; add a line "
                              f"'{lms_file.participant},<student id>' to the map")
        if not is_plain_id(student):
            raise UnsafeEntry(f"student id {shown(student)} is not a plain id ({RULE})")
        return student

    def resolve(self, entries: list[Entry], done: Collected) -> list[tuple[Entry, str]]:
        """(entry, student) for each participant that is exactly one student no one else claims."""
        claims: dict[str, list[tuple[Entry, str]]] = {}
        for entry in entries:
            try:
                student = self.student(entry.lms_file)
            except UnsafeEntry as exc:
                done.outcomes.append(Outcome(entry.name, REFUSED, str(exc), participant=entry.lms_file.key,
                                             late=entry.lms_file.late))
                continue
            claims.setdefault(student.casefold(), []).append((entry, student))  # a case-insensitive disk merges ids
        resolved = []
        for claimants in claims.values():
            keys = sorted(e.lms_file.key for e, _ in claimants)
            lms = claimants[0][0].lms_file.lms
            earlier = {f"{p.lms}:{p.participant}" for p in self.ledger.values()
                       if (p.lms, p.scope) == (lms, scope(lms, self.assignment))
                       and p.student.casefold() == claimants[0][1].casefold()} - set(keys)
            if len(claimants) == 1 and not earlier:
                resolved.append(claimants[0])
                continue
            others = ", ".join(sorted(earlier | set(keys)))
            for entry, student in claimants:
                done.outcomes.append(Outcome(
                    entry.name, REFUSED, f"participants {others} all resolve to student id {shown(student)}; give each "
                    "its own id with --map (lms_name may be the participant number); nothing placed for them",
                    student=student, participant=entry.lms_file.key, late=entry.lms_file.late))
        return resolved


def _timestamp(info: zipfile.ZipInfo, tz: tzinfo) -> str:
    """The member's time (the LMS's upload time, in the LMS's zone `tz`) as nbgrader writes it."""
    local = datetime(*info.date_time, tzinfo=tz)
    return local.astimezone(timezone.utc).strftime(TIMESTAMP_FORMAT)


def _place(course: Course, assignment: str, entry: Entry, data: bytes, outcome: Outcome) -> None:
    """Write the notebook and its records, unless a different one is already collected."""
    target = course.submission(outcome.student, assignment)
    if any(p.is_symlink() for p in (target, target.parent, target.parent.parent)):
        raise UnsafeEntry(f"{target.relative_to(course.root)} is a symbolic link")
    if target.exists():
        if not (target.is_file() and target.read_bytes() == data):
            raise UnsafeEntry(f"{target.relative_to(course.root)} is already collected and differs; it is kept "
                              "(move it away to import this one)")
        outcome.status, outcome.reason = UNCHANGED, f"already collected for {outcome.student}"
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(data)
        try:
            os.link(tmp, target)  # unlike a rename, never replaces a target that appeared meanwhile
        except FileExistsError:
            raise UnsafeEntry(f"{target.relative_to(course.root)} appeared while importing; it is kept") from None
        finally:
            tmp.unlink()
        if PurePosixPath(entry.lms_file.file).name != target.name:
            outcome.reason = f"notebook {quoted(entry.lms_file.file)} renamed to {target.name}"
    _write_records(target.parent, outcome)


def _write_records(folder: Path, outcome: Outcome) -> None:
    """timestamp.txt and submission_secret.txt as `nbgrader submit` writes them; existing ones
    (an earlier collect) are kept, missing ones (a collect before these were written) added."""
    stamp = folder / "timestamp.txt"
    if stamp.is_file():
        outcome.timestamp = stamp.read_text(encoding="utf-8").strip()
    else:
        stamp.write_text(outcome.timestamp, encoding="utf-8")
    secret = folder / "submission_secret.txt"
    if not secret.is_file():
        secret.write_text(secrets.token_hex(64), encoding="utf-8")


def _note_lateness(course: Course, assignment: str, done: Collected) -> None:
    """Say where the LMS's late marker and nbgrader's due date disagree: only the due date in the
    gradebook makes nbgrader apply a late penalty."""
    due = _due_date(course, assignment)
    for outcome in done.outcomes:
        if outcome.status not in (PLACED, UNCHANGED) or not outcome.timestamp:
            continue
        when = parse_utc(outcome.timestamp)
        late = due is not None and when > due
        if outcome.late and due is None:
            outcome.reason = _joined(outcome.reason, f"late in the LMS; {assignment} has no due date in the "
                                     "gradebook, so nbgrader applies no late penalty")
        elif outcome.late and not late:
            outcome.reason = _joined(outcome.reason, "late in the LMS but handed in before the gradebook's due date")
        elif late:
            outcome.late = True
            outcome.reason = _joined(outcome.reason, "after the due date: nbgrader's late penalty applies")


def _due_date(course: Course, assignment: str) -> datetime | None:
    """The assignment's due date in the gradebook (naive UTC, as nbgrader stores it)."""
    rows = _query(course, "SELECT duedate FROM assignment WHERE name = ?", assignment)
    return datetime.fromisoformat(rows[0][0]) if rows and rows[0][0] else None


def _joined(*parts: str) -> str:
    return "; ".join(p for p in parts if p)
