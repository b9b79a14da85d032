"""A term's worth of LMS downloads into one course: Moodle's folder layout, Moodle's flat layout
and Canvas's, with the names that go wrong (the same name twice, non-ASCII names stored with
and without the UTF-8 flag, late uploads, a student nobody mapped, a file that is no notebook).
Every member of every zip is accounted for exactly once, placed or refused with its reason,
and no notebook placed by one download is changed by a later one."""
from __future__ import annotations

import json
import zipfile

from lms_support import LegacyName

from grucourse.course import Course
from grucourse.pipeline.collect import EARLIER, PLACED, REFUSED, UNCHANGED, collect_zip

A = "gru_gates"
BEFORE, AFTER = (2026, 12, 1, 9, 0, 0), (2026, 12, 3, 9, 0, 0)


def nb(tag: str) -> bytes:
    return json.dumps({"cells": [], "metadata": {"who": tag}, "nbformat": 4, "nbformat_minor": 5}).encode()


def zipped(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            archive.writestr(info, data)
    return path


def utf8(name: str, when=BEFORE) -> zipfile.ZipInfo:
    return zipfile.ZipInfo(name, when)


MAP = {"1001": "s001", "1002": "s002", "1003": "s003", "1004": "s004", "1005": "s005",
       "jörg müller": "s006", "2001": "s101", "2002": "s102", "2003": "s103"}
# member -> (status, student, what the reason says); the table in docs/instructor_guide.md
MOODLE_FOLDERS = {
    utf8(f"Ada Lovelace_1001_assignsubmission_file_/{A}.ipynb"): (PLACED, "s001", ""),
    utf8("Ada Lovelace_1002_assignsubmission_file_/GRU final.ipynb"): (PLACED, "s002", "renamed to gru_gates.ipynb"),
    LegacyName(f"José Núñez_1003_assignsubmission_file_/{A}.ipynb".encode("cp437")): (PLACED, "s003", ""),
    LegacyName(f"Zoë Ødegård_1004_assignsubmission_file_/{A}.ipynb".encode()): (PLACED, "s004", ""),
    utf8(f"Li Wei_1008_assignsubmission_file_/{A}.ipynb"): (REFUSED, "", "is no known student in the map"),
    utf8("Ada Lovelace_1001_assignsubmission_onlinetext_/onlinetext.html"): (REFUSED, "", "online text"),
    utf8("Ada Lovelace_1001_assignsubmission_file_/notes.pdf"): (REFUSED, "", "not a notebook"),
}
MOODLE_FLAT = {
    utf8(f"Grace Hopper_1005_assignsubmission_file_{A}.ipynb", AFTER): (PLACED, "s005", "late penalty applies"),
    LegacyName(f"Jörg Müller_1006_assignsubmission_file_{A}.ipynb".encode("cp437")): (PLACED, "s006", ""),
    utf8(f"Ada Lovelace_1001_assignsubmission_file_{A}.ipynb"): (UNCHANGED, "s001", "already collected"),
    utf8(f"Ada Lovelace_1002_assignsubmission_file_{A}.ipynb"): (REFUSED, "s002", "already collected and differs"),
}
CANVAS = {
    utf8(f"turingalan_2001_3001_{A}.ipynb"): (EARLIER, "", "later upload"),
    utf8(f"turingalan_late_2001_3009_{A}-1.ipynb", AFTER): (PLACED, "s101", "late penalty applies"),
    utf8(f"hoppergrace_LATE_2002_3002_{A}.ipynb"): (PLACED, "s102", "late in the LMS but handed in before"),
    LegacyName(f"nuñezjosé_2003_3003_{A}.ipynb".encode()): (PLACED, "s103", ""),
    utf8(f"lovelaceada_2004_3004_{A}.ipynb"): (REFUSED, "", "is no known student in the map"),
    utf8("readme.txt"): (REFUSED, "", "not a name Moodle or Canvas gives"),
}


def test_three_downloads_every_member_accounted_for_nothing_overwritten(tmp_path):
    from datetime import datetime

    from nbgrader.api import Gradebook

    course = Course.at(tmp_path / "course")
    course.source_notebook(A).parent.mkdir(parents=True)
    course.source_notebook(A).write_text("{}")
    with Gradebook(course.db_url) as gradebook:
        gradebook.add_assignment(A, duedate=datetime(2026, 12, 2, 12, 0))
    placed_so_far: dict[str, bytes] = {}
    for name, members in (("moodle_folders", MOODLE_FOLDERS), ("moodle_flat", MOODLE_FLAT), ("canvas", CANVAS)):
        data = {info: nb(f"{name}:{info.filename}") for info in members}
        if name == "moodle_flat":  # a second Moodle download: s001's notebook again, s002 changed
            data[next(iter(k for k in members if "Ada Lovelace_1001" in k.filename))] = \
                course.submission("s001", A).read_bytes()
        archive = zipped(tmp_path / f"{name}.zip", data.items())
        done = collect_zip(course, archive, A, MAP)
        assert sorted(o.entry for o in done.outcomes) == sorted(map(o_name, members)), "every member once"
        outcomes = {o.entry: o for o in done.outcomes}
        for info, (status, student, says) in members.items():
            outcome = outcomes[o_name(info)]
            assert (outcome.status, outcome.student if student else "") == (status, student), outcome
            assert says in outcome.reason, outcome
        for student, before in placed_so_far.items():
            assert course.submission(student, A).read_bytes() == before, f"{student} changed by {name}"
        for o in done.having(PLACED):
            placed_so_far[o.student] = course.submission(o.student, A).read_bytes()
            assert o.timestamp and (course.submission(o.student, A).parent / "timestamp.txt").is_file()
    notebooks = sorted(p.parent.parent.name for p in course.submitted.rglob(f"{A}.ipynb"))
    assert notebooks == sorted(placed_so_far) == ["s001", "s002", "s003", "s004", "s005", "s006",
                                                  "s101", "s102", "s103"]


def o_name(info: zipfile.ZipInfo) -> str:
    """The member's name as the LMS meant it (what collect reports)."""
    import unicodedata

    raw = getattr(info, "raw", None)
    if raw is None:
        return info.filename
    try:
        return unicodedata.normalize("NFC", raw.decode("utf-8"))
    except UnicodeDecodeError:
        return raw.decode("cp437")
