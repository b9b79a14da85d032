"""`grucourse collect`: LMS zips land in submitted/ under known students; everything else is
refused with its reason, and nothing already collected is overwritten."""
from __future__ import annotations

import contextlib
import io
import stat
import zipfile
from datetime import datetime

import pytest
from lms_support import LegacyName

from grucourse.cli import main
from grucourse.course import Course
from grucourse.pipeline.collect import (
    EARLIER,
    MAX_ENTRY_BYTES,
    PLACED,
    REFUSED,
    collect_zip,
)

NOTEBOOK = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
WHEN = (2026, 12, 1, 10, 30, 0)


def make_zip(path, entries):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name if isinstance(name, zipfile.ZipInfo) else zipfile.ZipInfo(name, WHEN), data)
    return path


def symlink(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


def notebook(tag: str) -> bytes:
    """A distinct notebook per student, so an overwrite shows."""
    return NOTEBOOK.replace(b'"metadata": {}', f'"metadata": {{"who": "{tag}"}}'.encode())


def moodle(name: str, participant: int, file: str = "gru_gates.ipynb", flat: bool = False) -> str:
    return f"{name}_{participant}_assignsubmission_file_{'' if flat else '/'}{file}"


@pytest.fixture
def course(tmp_path):
    course = Course.at(tmp_path / "course")
    course.source_notebook("gru_gates").parent.mkdir(parents=True)
    course.source_notebook("gru_gates").write_bytes(NOTEBOOK)
    return course


def write_map(tmp_path, text: str):
    (tmp_path / "ids.csv").write_text("lms_name,student_id\n" + text, encoding="utf-8")
    return ("--map", str(tmp_path / "ids.csv"))


def collect(course, archive, *extra: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["--course", str(course.root), "collect", str(archive), "--assignment", "gru_gates", *extra])
    return code, out.getvalue()


def statuses(done) -> dict[str, tuple[str, str]]:
    return {o.entry: (o.status, o.student) for o in done.outcomes}


def files_under(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_all_three_layouts_are_placed_with_nbgrader_records(course, tmp_path):
    archive = make_zip(tmp_path / "class.zip", [
        (moodle("Ada Lovelace", 1001), notebook("ada")),
        (moodle("Alan Turing", 1002, "My GRU (final).ipynb", flat=True), notebook("alan")),
        ("hopperg_2001_3001_gru_gates.ipynb", notebook("grace")),
    ])
    mapping = {"1001": "s001", "alan turing": "s002", "hopperg": "s003"}
    done = collect_zip(course, archive, "gru_gates", mapping)
    assert statuses(done) == {moodle("Ada Lovelace", 1001): (PLACED, "s001"),
                              moodle("Alan Turing", 1002, "My GRU (final).ipynb", flat=True): (PLACED, "s002"),
                              "hopperg_2001_3001_gru_gates.ipynb": (PLACED, "s003")}
    assert course.submission("s002", "gru_gates").read_bytes() == notebook("alan")
    assert "'My GRU (final).ipynb' renamed to gru_gates.ipynb" in done.outcomes[1].reason
    folder = course.submission("s001", "gru_gates").parent
    assert (folder / "timestamp.txt").read_text() == "2026-12-01 10:30:00.000000 UTC"
    assert len((folder / "submission_secret.txt").read_text()) == 128
    assert (course.root / "lms_participants.csv").read_text().splitlines() == [
        "lms,scope,participant,student,name", "canvas,*,2001,s003,hopperg",
        "moodle,gru_gates,1001,s001,Ada Lovelace", "moodle,gru_gates,1002,s002,Alan Turing"]


def test_the_lms_time_zone_sets_the_timestamp(course, tmp_path):
    archive = make_zip(tmp_path / "m.zip", [(moodle("Ada Lovelace", 1001), NOTEBOOK)])
    code, out = collect(course, archive, *write_map(tmp_path, "1001,s001\n"), "--timezone", "Europe/Berlin")
    assert code == 0, out
    stamp = course.submission("s001", "gru_gates").parent / "timestamp.txt"
    assert stamp.read_text() == "2026-12-01 09:30:00.000000 UTC"


def test_a_participant_missing_from_the_map_is_refused_not_named_after_its_name(course, tmp_path):
    archive = make_zip(tmp_path / "m.zip", [(moodle("Ada Lovelace", 1001), notebook("ada")),
                                            (moodle("Alan Turing", 1002), notebook("alan"))])
    code, out = collect(course, archive, *write_map(tmp_path, "1001,s001\n"))
    assert code == 1
    assert "moodle:1002 'Alan Turing' is no known student in the map (by number or name)" in out
    assert "add a line '1002,<student id>' to the map" in out
    assert files_under(course.submitted) == ["s001/gru_gates/gru_gates.ipynb", "s001/gru_gates/submission_secret.txt",
                                             "s001/gru_gates/timestamp.txt"]
    assert "1 placed, 1 refused" in out


def test_without_a_map_only_known_students_are_placed(course, tmp_path):
    course.submission("hopperg", "gru_gates").parent.mkdir(parents=True)  # e.g. collected from the exchange
    archive = make_zip(tmp_path / "c.zip", [("hopperg_2001_3001_gru_gates.ipynb", notebook("grace")),
                                            ("turinga_2002_3002_gru_gates.ipynb", notebook("alan"))])
    code, out = collect(course, archive)
    assert code == 1
    assert course.submission("hopperg", "gru_gates").read_bytes() == notebook("grace")
    assert "canvas:2002 'turinga' is no known student without a map (--map)" in out
    assert not course.submission("turinga", "gru_gates").exists()


def test_a_mistyped_assignment_is_refused_with_the_known_names(course, tmp_path):
    archive = make_zip(tmp_path / "m.zip", [(moodle("Ada Lovelace", 1001), NOTEBOOK)])
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["--course", str(course.root), "collect", str(archive), "--assignment", "gru_gate",
                     *write_map(tmp_path, "1001,s001\n")])
    assert code == 1
    assert "'gru_gate' is not an assignment of this course (known: gru_gates)" in out.getvalue()
    assert not course.submitted.exists()


def test_a_map_giving_one_key_two_ids_is_refused(course, tmp_path):
    archive = make_zip(tmp_path / "m.zip", [(moodle("Ada Lovelace", 1001), NOTEBOOK)])
    code, out = collect(course, archive, *write_map(tmp_path, "Ada Lovelace,s001\nada  lovelace,s009\n"))
    assert code == 1 and "is mapped to both 's001' and 's009'" in out
    assert not course.submitted.exists()


@pytest.mark.parametrize("entry, reason", [
    (("../evil_1_1_gru_gates.ipynb", NOTEBOOK), "'..'"),
    (("Eve_1_assignsubmission_file_/../../../evil.ipynb", NOTEBOOK), "'..'"),
    (("/etc/evil_1_1_gru_gates.ipynb", NOTEBOOK), "absolute path"),
    (symlink("mallory_1_1_gru_gates.ipynb", "/etc/passwd"), "symbolic link"),
    (("bomb_1_1_gru_gates.ipynb", b"0" * (MAX_ENTRY_BYTES + 1)), "more than"),
])
def test_unsafe_entries_are_refused_by_name_and_the_rest_is_collected(course, tmp_path, entry, reason):
    archive = make_zip(tmp_path / "class.zip", [entry, ("ada_2_2_gru_gates.ipynb", NOTEBOOK)])
    done = collect_zip(course, archive, "gru_gates", {"2": "ada"})
    refused = [o for o in done.outcomes if o.status == REFUSED]
    assert len(refused) == 1 and reason in refused[0].reason
    assert course.submission("ada", "gru_gates").read_bytes() == NOTEBOOK
    assert files_under(tmp_path) == ["class.zip", "course/lms_participants.csv",
                                     "course/source/gru_gates/gru_gates.ipynb",
                                     "course/submitted/ada/gru_gates/gru_gates.ipynb",
                                     "course/submitted/ada/gru_gates/submission_secret.txt",
                                     "course/submitted/ada/gru_gates/timestamp.txt"]


def test_a_file_that_is_not_a_zip_is_refused_by_name(course, tmp_path, capsys):
    bogus = tmp_path / "grades.zip"
    bogus.write_text("not a zip")
    assert main(["--course", str(course.root), "collect", str(bogus), "--assignment", "gru_gates"]) == 1
    assert "grades.zip: cannot import: BadZipFile" in capsys.readouterr().out.replace("\n", "")


@pytest.mark.parametrize("stored", ["utf-8 flag", "utf-8 bytes, no flag", "cp437, no flag"])
def test_non_ascii_names_match_the_map_in_every_zip_encoding(course, tmp_path, stored):
    name = moodle("José Núñez", 1003, flat=True)
    member = {"utf-8 flag": zipfile.ZipInfo(name, WHEN), "utf-8 bytes, no flag": LegacyName(name.encode("utf-8")),
              "cp437, no flag": LegacyName(name.encode("cp437"))}[stored]
    archive = make_zip(tmp_path / "m.zip", [(member, notebook("jose"))])
    with zipfile.ZipFile(archive) as check:  # the zip really stores the name as said
        assert bool(check.infolist()[0].flag_bits & 0x800) == (stored == "utf-8 flag")
    done = collect_zip(course, archive, "gru_gates", {"josé núñez": "s003"})
    assert statuses(done) == {name: (PLACED, "s003")}
    assert course.submission("s003", "gru_gates").read_bytes() == notebook("jose")


def test_two_participants_with_one_name_are_told_apart_by_number(course, tmp_path):
    archive = make_zip(tmp_path / "moodle.zip", [
        (moodle("Ada Lovelace", 1001), notebook("ada-1001")),
        (moodle("Ada Lovelace", 1002), notebook("ada-1002")),
        ("Ada Lovelace_1001_assignsubmission_onlinetext_/onlinetext.html", b"<p>see file</p>"),
    ])
    code, out = collect(course, archive, *write_map(tmp_path, "Ada Lovelace,s001\n"))
    assert code == 1
    assert "participants moodle:1001, moodle:1002 all resolve to student id 's001'" in out
    assert "online text; only gru_gates.ipynb is collected" in out
    assert not course.submission("s001", "gru_gates").exists()
    code, out = collect(course, archive, *write_map(tmp_path, "1001,s001\n1002,s002\n"))
    assert code == 1 and "online text" in out  # the online text is still not a notebook
    assert course.submission("s001", "gru_gates").read_bytes() == notebook("ada-1001")
    assert course.submission("s002", "gru_gates").read_bytes() == notebook("ada-1002")


def test_ids_differing_only_in_case_are_one_student(course, tmp_path):
    archive = make_zip(tmp_path / "m.zip", [(moodle("Ada Lovelace", 1001), notebook("a")),
                                            (moodle("Ada King", 1002), notebook("b"))])
    code, out = collect(course, archive, *write_map(tmp_path, "1001,S001\n1002,s001\n"))
    assert code == 1 and "all resolve to student id" in out
    assert not course.submitted.exists() or not any(course.submitted.rglob("*.ipynb"))


def test_a_student_collected_for_one_participant_is_not_given_to_another(course, tmp_path):
    first = make_zip(tmp_path / "first.zip", [(moodle("Ada Lovelace", 1001), notebook("ada"))])
    assert collect(course, first, *write_map(tmp_path, "Ada Lovelace,s001\n"))[0] == 0
    second = make_zip(tmp_path / "second.zip", [(moodle("Ada Lovelace", 1009), notebook("other ada"))])
    code, out = collect(course, second, *write_map(tmp_path, "Ada Lovelace,s001\n"))
    assert code == 1 and "participants moodle:1001, moodle:1009 all resolve to student id 's001'" in out
    code, out = collect(course, first, *write_map(tmp_path, "1001,s777\n"))
    assert code == 1 and "moodle:1001 is 's777' in the map but was collected as 's001' before" in out
    assert course.submission("s001", "gru_gates").read_bytes() == notebook("ada")


def test_canvas_latest_upload_wins_and_keeps_its_late_flag(course, tmp_path):
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url) as gradebook:
        gradebook.add_assignment("gru_gates", duedate=datetime(2026, 12, 1, 12, 0))
        gradebook.add_student("lovelacea")
        gradebook.add_student("turinga")
    archive = make_zip(tmp_path / "canvas.zip", [
        ("lovelacea_2001_3001_gru_gates.ipynb", notebook("ada-first")),
        (zipfile.ZipInfo("lovelacea_late_2001_3002_gru_gates-1.ipynb", (2026, 12, 2, 9, 0, 0)), notebook("ada-late")),
        (zipfile.ZipInfo("turinga_LATE_2002_3003_gru_gates.ipynb", (2026, 12, 1, 11, 0, 0)), notebook("alan")),
    ])
    done = collect_zip(course, archive, "gru_gates")
    by_entry = {o.entry: o for o in done.outcomes}
    assert by_entry["lovelacea_2001_3001_gru_gates.ipynb"].status == EARLIER
    late = by_entry["lovelacea_late_2001_3002_gru_gates-1.ipynb"]
    assert (late.status, late.late, late.timestamp) == (PLACED, True, "2026-12-02 09:00:00.000000 UTC")
    assert "after the due date: nbgrader's late penalty applies" in late.reason
    assert "late in the LMS but handed in before the gradebook's due date" in by_entry[
        "turinga_LATE_2002_3003_gru_gates.ipynb"].reason
    assert course.submission("lovelacea", "gru_gates").read_bytes() == notebook("ada-late")
    assert not done.refused


def test_nothing_already_collected_is_overwritten(course, tmp_path):
    extra = write_map(tmp_path, "1001,ada\n1003,alan\n1004,grace\n1009,ada2\n")
    first = make_zip(tmp_path / "first.zip", [(moodle("Ada Lovelace", 1001), notebook("ada")),
                                              (moodle("Alan Turing", 1003), notebook("alan"))])
    assert collect(course, first, *extra)[0] == 0
    (course.submission("alan", "gru_gates").parent / "timestamp.txt").unlink()  # as an older collect left it
    code, out = collect(course, first, *extra)
    assert code == 0 and "unchanged: already collected for ada" in out
    assert (course.submission("alan", "gru_gates").parent / "timestamp.txt").is_file(), "missing record added"
    course.submission("grace", "gru_gates").parent.mkdir(parents=True)
    course.submission("grace", "gru_gates").write_bytes(notebook("grace by hand"))
    later = make_zip(tmp_path / "later.zip", [(moodle("Ada Lovelace", 1001), notebook("ada, changed")),
                                              (moodle("Grace Hopper", 1004), notebook("grace"))])
    done = collect_zip(course, later, "gru_gates", {"1001": "ada", "1004": "grace"})
    assert [(o.status, o.reason) for o in done.outcomes] == [
        (REFUSED, "submitted/ada/gru_gates/gru_gates.ipynb is already collected and differs; it is kept "
                  "(move it away to import this one)"),
        (REFUSED, "submitted/grace/gru_gates/gru_gates.ipynb is already collected and differs; it is kept "
                  "(move it away to import this one)")]
    assert course.submission("ada", "gru_gates").read_bytes() == notebook("ada")
    assert course.submission("grace", "gru_gates").read_bytes() == notebook("grace by hand")


def test_several_moodle_notebooks_keep_only_the_one_named_after_the_assignment(course, tmp_path):
    archive = make_zip(tmp_path / "m.zip", [(moodle("Ada Lovelace", 1001, "scratch.ipynb"), notebook("scratch")),
                                            (moodle("Ada Lovelace", 1001), notebook("ada")),
                                            (moodle("Alan Turing", 1002, "a.ipynb"), notebook("a")),
                                            (moodle("Alan Turing", 1002, "b.ipynb"), notebook("b"))])
    done = collect_zip(course, archive, "gru_gates", {"1001": "ada", "1002": "alan"})
    assert course.submission("ada", "gru_gates").read_bytes() == notebook("ada")
    assert not course.submission("alan", "gru_gates").exists()
    reasons = [o.reason for o in done.refused]
    assert "another notebook of moodle:1001; 'Ada Lovelace_1001_assignsubmission_file_/gru_gates.ipynb' is collected" \
        in reasons
    assert reasons.count("moodle:1002 handed in 2 notebooks, none or several named gru_gates.ipynb; "
                         "collect the right one by hand") == 2


def test_escape_sequences_in_entry_names_never_reach_the_terminal_raw(course, tmp_path):
    archive = make_zip(tmp_path / "moodle.zip", [
        (moodle("Eve\x1b[2J\x1b]0;pwned\x07", 1005, "gru\u202egates.ipynb"), notebook("eve")),
        ("\x1b[31mnotes\x9b2J.txt", b"hello"),
        (moodle("Ada Lovelace", 1001), notebook("ada")),
    ])
    code, out = collect(course, archive, *write_map(tmp_path, "1001,ada\n1005,eve\n"))
    assert code == 1, out  # the .txt is not a submission
    assert not any(raw in out for raw in ("\x1b", "\x9b", "\x07", "\u202e"))
    assert "\\x1b[2J" in out and "\\u202e" in out and "\\x9b2J" in out
    assert course.submission("eve", "gru_gates").read_bytes() == notebook("eve")


def test_another_legacy_code_page_is_read_when_named(course, tmp_path):
    archive = make_zip(tmp_path / "m.zip", [(LegacyName(moodle("Øyvind Ås", 1001, flat=True).encode("cp850")), NOTEBOOK)])
    extra = write_map(tmp_path, "øyvind ås,s001\n")
    code, out = collect(course, archive, *extra)
    assert code == 1 and "'¥yvind Ås' is no known student" in out  # read as cp437, the default
    code, out = collect(course, archive, *extra, "--legacy-encoding", "cp850")
    assert code == 0, out
    assert course.submission("s001", "gru_gates").read_bytes() == NOTEBOOK
    code, out = collect(course, archive, *extra, "--legacy-encoding", "klingon")
    assert code == 1 and "cannot import: LookupError: unknown encoding: klingon" in out.replace("\n", "")


def test_moodle_numbers_hold_per_assignment_canvas_ids_for_the_course(course, tmp_path):
    course.source_notebook("gru_bptt").parent.mkdir(parents=True)
    course.source_notebook("gru_bptt").write_bytes(NOTEBOOK)
    first = make_zip(tmp_path / "a.zip", [(moodle("Ada Lovelace", 1001), notebook("ada")),
                                          ("hopperg_2001_3001_gru_gates.ipynb", notebook("grace"))])
    assert collect_zip(course, first, "gru_gates", {"1001": "s001", "2001": "s003"}).refused == []
    # Moodle numbers Ada 1377 in the next assignment; Canvas keeps Grace's user id
    second = make_zip(tmp_path / "b.zip", [(moodle("Ada Lovelace", 1377, "gru_bptt.ipynb"), notebook("ada 2")),
                                           ("hopperg_2001_3009_gru_bptt.ipynb", notebook("grace 2"))])
    done = collect_zip(course, second, "gru_bptt", {"ada lovelace": "s001"})
    assert statuses(done) == {moodle("Ada Lovelace", 1377, "gru_bptt.ipynb"): (PLACED, "s001"),
                              "hopperg_2001_3009_gru_bptt.ipynb": (PLACED, "s003")}
    assert course.submission("s001", "gru_bptt").read_bytes() == notebook("ada 2")
