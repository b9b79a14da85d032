"""Importing an LMS download (Moodle or Canvas zip) into nbgrader's `submitted/` folder.

File names are mapped to students with nbgrader's FileNameCollectorPlugin (a named regular
expression per LMS). Entries are never extracted by path: each one is checked (no `../`, no
absolute path, no symlink, bounded size and compression ratio) and read into memory with a cap,
then written to the one place it belongs, `submitted/<student>/<assignment>/<assignment>.ipynb`.

A student is the LMS participant (Moodle's participant id, Canvas's user id), never the display
name: two participants whose names normalise to the same id, or whom the map gives the same id,
are both refused, and a notebook already in submitted/ is never replaced by a different one.
"""
from __future__ import annotations

import csv
import os
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from nbgrader.plugins import FileNameCollectorPlugin

from grucourse.course import Course
from grucourse.ids import RULE, is_plain_id, shown

PATTERNS = {
    # "Ada Lovelace_12345_assignsubmission_file_/gru_gates.ipynb"
    "moodle": r"^(?P<student_id>[^/]+?)_(?P<lms_id>\d+)_assignsubmission_file_/(?:.*/)?(?P<file_id>[^/]+)$",
    # "lovelacea_12345_67890_gru_gates.ipynb" (late ones: "lovelacea_LATE_12345_67890_...")
    "canvas": r"^(?P<student_id>[^_/]+)_(?:LATE_)?(?P<lms_id>\d+)_(?P<attempt>\d+)_(?P<file_id>[^/]+)$",
}
MAX_ENTRY_BYTES = 20 * 2**20
MAX_TOTAL_BYTES = 2 * 2**30
MAX_RATIO = 200


class UnsafeEntry(ValueError):
    """An archive member that must not be written anywhere."""


@dataclass
class Collected:
    """What an import did: notebooks placed, and what was rejected, renamed or skipped (and why)."""

    placed: dict[str, Path] = field(default_factory=dict)
    rejected: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_mapping(path: Path) -> dict[str, str]:
    """CSV with columns `lms_name,student_id`; `lms_name` is the full name, login or LMS id."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return {row["lms_name"].strip(): row["student_id"].strip() for row in csv.DictReader(handle)}


def slug(name: str) -> str:
    """A directory-safe student id from an LMS display name: 'Ada Lovelace' -> 'ada_lovelace'."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def check_entry(info: zipfile.ZipInfo, total: int) -> None:
    """Raise UnsafeEntry for anything that could escape the course folder or exhaust the disk."""
    name = info.filename
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        raise UnsafeEntry(f"{shown(name)}: absolute path")
    if ".." in parts:
        raise UnsafeEntry(f"{shown(name)}: path leaves the archive folder ('..')")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise UnsafeEntry(f"{shown(name)}: symbolic link")
    if info.file_size > MAX_ENTRY_BYTES:
        raise UnsafeEntry(f"{shown(name)}: {info.file_size} bytes, more than {MAX_ENTRY_BYTES}")
    if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 2**20:
        raise UnsafeEntry(f"{shown(name)}: compressed {info.file_size // info.compress_size}:1, a zip bomb")
    if total + info.file_size > MAX_TOTAL_BYTES:
        raise UnsafeEntry(f"{shown(name)}: archive unpacks to more than {MAX_TOTAL_BYTES} bytes")


def read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The member's bytes, never more than MAX_ENTRY_BYTES whatever its header claims."""
    with archive.open(info) as handle:
        data = handle.read(MAX_ENTRY_BYTES + 1)
    if len(data) > MAX_ENTRY_BYTES:
        raise UnsafeEntry(f"{shown(info.filename)}: unpacks to more than {MAX_ENTRY_BYTES} bytes")
    return data


@dataclass(frozen=True)
class Entry:
    """An archive member recognised as one participant's notebook."""

    info: zipfile.ZipInfo
    participant: str  # "<lms>:<participant id>", what tells two students apart
    name: str  # the display name or login, as the LMS wrote it
    file_name: str
    student: str  # the student id it resolves to


def collect_zip(course: Course, archive_path: Path, assignment: str,
                mapping: dict[str, str] | None = None) -> Collected:
    """Place each participant's notebook (the last of theirs in the archive: a later attempt);
    refuse unsafe entries, participants sharing a student id, and changes to notebooks already
    collected."""
    done = Collected()
    with zipfile.ZipFile(archive_path) as archive:
        entries = _recognised(archive, mapping or {}, done)
        for entry in _one_per_student(entries, done).values():
            try:
                _place(course, assignment, entry, read_capped(archive, entry.info), done)
            except UnsafeEntry as exc:
                done.rejected.append(f"rejected {exc}")
    return done


def _recognised(archive: zipfile.ZipFile, mapping: dict[str, str], done: Collected) -> list[Entry]:
    """The safe members named as an LMS names submissions, with their participant and student id."""
    collectors = {lms: FileNameCollectorPlugin(named_regexp=pattern) for lms, pattern in PATTERNS.items()}
    entries = []
    total = 0
    for info in archive.infolist():
        if info.is_dir():
            continue
        try:
            check_entry(info, total)
            total += info.file_size
            found = next(((lms, m) for lms, c in collectors.items() if (m := c.collect(info.filename))), None)
            if found is None:
                done.warnings.append(f"{shown(info.filename)}: not a Moodle or Canvas notebook name; skipped")
                continue
            lms, match = found
            entries.append(Entry(info, f"{lms}:{match['lms_id']}", match["student_id"], match["file_id"],
                                 student_id(match, mapping)))
        except UnsafeEntry as exc:
            done.rejected.append(f"rejected {exc}")
    return entries


def _one_per_student(entries: list[Entry], done: Collected) -> dict[str, Entry]:
    """Student id -> the entry to place. Within one participant the last entry wins (with a
    warning); a student id claimed by two participants, or a participant whose entries resolve
    to two ids, is ambiguous: all its entries are refused. Ids are compared ignoring case (a
    case-insensitive disk would merge them)."""
    by_participant: dict[str, list[Entry]] = {}
    for entry in entries:
        by_participant.setdefault(entry.participant, []).append(entry)
    claims: dict[str, set[str]] = {}
    for participant, own in by_participant.items():
        ids = {e.student.casefold() for e in own}
        if len(ids) > 1:
            done.rejected.append(f"rejected {', '.join(shown(e.info.filename) for e in own)}: participant "
                                 f"{participant} resolves to several student ids; nothing placed for it")
            continue
        claims.setdefault(ids.pop(), set()).add(participant)
    chosen = {}
    for key, participants in claims.items():
        own = [e for p in sorted(participants) for e in by_participant[p]]
        if len(participants) > 1:
            done.rejected.append(
                f"rejected {', '.join(shown(e.info.filename) for e in own)}: participants {', '.join(sorted(participants))} "
                f"all resolve to student id {shown(own[0].student)}; give each its own id with --map "
                f"(lms_name may be the participant id); nothing placed for them")
            continue
        for earlier in own[:-1]:
            done.warnings.append(f"{shown(earlier.info.filename)}: {own[-1].student} has a later notebook "
                                 f"in the archive, {shown(own[-1].info.filename)}, which is kept")
        chosen[own[-1].student] = own[-1]
    return chosen


def student_id(found: dict[str, str], mapping: dict[str, str]) -> str:
    """The id a participant is filed under: the map's entry for its LMS id, else for its name,
    else the name normalised; a plain id (`grucourse.ids`) or UnsafeEntry."""
    name = found["student_id"]
    student = mapping.get(found["lms_id"]) or mapping.get(name) or slug(name)
    if not is_plain_id(student):
        raise UnsafeEntry(f"{shown(name)}: student id {shown(student)} is not a plain id ({RULE})")
    return student


def _place(course: Course, assignment: str, entry: Entry, data: bytes, done: Collected) -> None:
    """Write the notebook, unless a different one is already collected for that student."""
    target = course.submission(entry.student, assignment)
    if target.is_symlink() or target.parent.is_symlink() or target.parent.parent.is_symlink():
        raise UnsafeEntry(f"{shown(entry.info.filename)}: {target.relative_to(course.root)} is a symbolic link")
    if target.exists():
        if target.is_file() and target.read_bytes() == data:
            done.warnings.append(f"{shown(entry.info.filename)}: already collected for {entry.student}, unchanged")
            return
        raise UnsafeEntry(f"{shown(entry.info.filename)}: {target.relative_to(course.root)} is already collected "
                          "and differs; it is kept (move it away to import this one)")
    if entry.file_name != target.name:
        done.warnings.append(f"{shown(entry.info.filename)}: notebook {shown(entry.file_name)} renamed to "
                             f"{target.name} for {entry.student}")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(data)
    try:
        os.link(tmp, target)  # unlike a rename, never replaces a target that appeared meanwhile
    except FileExistsError:
        raise UnsafeEntry(f"{shown(entry.info.filename)}: {target.relative_to(course.root)} appeared while "
                          "importing; it is kept") from None
    finally:
        tmp.unlink()
    done.placed[entry.student] = target
