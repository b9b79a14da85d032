"""Importing an LMS download (Moodle or Canvas zip) into nbgrader's `submitted/` folder.

File names are mapped to students with nbgrader's FileNameCollectorPlugin (a named regular
expression per LMS). Entries are never extracted by path: each one is checked (no `../`, no
absolute path, no symlink, bounded size and compression ratio) and read into memory with a cap,
then written to the one place it belongs, `submitted/<student>/<assignment>/<assignment>.ipynb`.
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

PATTERNS = {
    # "Ada Lovelace_12345_assignsubmission_file_/gru_gates.ipynb"
    "moodle": r"^(?P<student_id>[^/]+?)_(?P<lms_id>\d+)_assignsubmission_file_/(?:.*/)?(?P<file_id>[^/]+)$",
    # "lovelacea_12345_67890_gru_gates.ipynb" (late ones: "lovelacea_LATE_12345_67890_...")
    "canvas": r"^(?P<student_id>[^_/]+)_(?:LATE_)?(?P<lms_id>\d+)_(?P<attempt>\d+)_(?P<file_id>[^/]+)$",
}
MAX_ENTRY_BYTES = 20 * 2**20
MAX_TOTAL_BYTES = 2 * 2**30
MAX_RATIO = 200
STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


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
        raise UnsafeEntry(f"{name!r}: absolute path")
    if ".." in parts:
        raise UnsafeEntry(f"{name!r}: path leaves the archive folder ('..')")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise UnsafeEntry(f"{name!r}: symbolic link")
    if info.file_size > MAX_ENTRY_BYTES:
        raise UnsafeEntry(f"{name!r}: {info.file_size} bytes, more than {MAX_ENTRY_BYTES}")
    if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 2**20:
        raise UnsafeEntry(f"{name!r}: compressed {info.file_size // info.compress_size}:1, a zip bomb")
    if total + info.file_size > MAX_TOTAL_BYTES:
        raise UnsafeEntry(f"{name!r}: archive unpacks to more than {MAX_TOTAL_BYTES} bytes")


def read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The member's bytes, never more than MAX_ENTRY_BYTES whatever its header claims."""
    with archive.open(info) as handle:
        data = handle.read(MAX_ENTRY_BYTES + 1)
    if len(data) > MAX_ENTRY_BYTES:
        raise UnsafeEntry(f"{info.filename!r}: unpacks to more than {MAX_ENTRY_BYTES} bytes")
    return data


def collect_zip(course: Course, archive_path: Path, assignment: str,
                mapping: dict[str, str] | None = None) -> Collected:
    """Place every notebook of the archive; the last entry of a student wins (later attempt)."""
    collectors = [FileNameCollectorPlugin(named_regexp=pattern) for pattern in PATTERNS.values()]
    done = Collected()
    total = 0
    with zipfile.ZipFile(archive_path) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            try:
                check_entry(info, total)
                total += info.file_size
                found = next((m for c in collectors if (m := c.collect(info.filename))), None)
                if found is None:
                    done.warnings.append(f"{info.filename!r}: not a Moodle or Canvas notebook name; skipped")
                    continue
                student = student_id(found, mapping or {})
                _place(course, assignment, student, found["file_id"], read_capped(archive, info), info.filename, done)
            except UnsafeEntry as exc:
                done.rejected.append(f"rejected {exc}")
    return done


def student_id(found: dict[str, str], mapping: dict[str, str]) -> str:
    name = found["student_id"]
    student = mapping.get(name) or mapping.get(found["lms_id"]) or slug(name)
    if not STUDENT_ID.match(student):
        raise UnsafeEntry(f"{name!r}: student id {student!r} is not a safe folder name")
    return student


def _place(course: Course, assignment: str, student: str, file_name: str, data: bytes,
           entry: str, done: Collected) -> None:
    target = course.submission(student, assignment)
    if file_name != target.name:
        done.warnings.append(f"{entry!r}: notebook {file_name!r} renamed to {target.name} for {student}")
    if student in done.placed:
        done.warnings.append(f"{entry!r}: {student} has more than one notebook; this later one is kept")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    done.placed[student] = target
