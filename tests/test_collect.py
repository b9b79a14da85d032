"""`grucourse collect`: LMS zips land in submitted/, unsafe entries are refused by name."""
from __future__ import annotations

import stat
import zipfile

import pytest

from grucourse.cli import main
from grucourse.course import Course
from grucourse.pipeline.collect import MAX_ENTRY_BYTES, collect_zip

NOTEBOOK = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'


def make_zip(path, entries):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return path


def symlink(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


@pytest.fixture
def course(tmp_path):
    return Course.at(tmp_path / "course")


def test_moodle_and_canvas_names_map_to_students(course, tmp_path):
    archive = make_zip(tmp_path / "class.zip", [
        ("Ada Lovelace_1001_assignsubmission_file_/gru_gates.ipynb", NOTEBOOK),
        ("Alan Turing_1002_assignsubmission_file_/My GRU (final).ipynb", NOTEBOOK + b" "),
        ("hopperg_2001_3001_gru_gates.ipynb", NOTEBOOK),
        ("hopperg_LATE_2001_3002_gru_gates.ipynb", NOTEBOOK + b"  "),
    ])
    done = collect_zip(course, archive, "gru_gates")
    assert sorted(done.placed) == ["ada_lovelace", "alan_turing", "hopperg"]
    assert course.submission("alan_turing", "gru_gates").read_bytes() == NOTEBOOK + b" "
    assert course.submission("hopperg", "gru_gates").read_bytes() == NOTEBOOK + b"  "  # later attempt kept
    assert any("'My GRU (final).ipynb' renamed to gru_gates.ipynb" in w for w in done.warnings)
    assert not done.rejected


def test_csv_mapping_gives_instructor_ids(course, tmp_path):
    mapping = tmp_path / "ids.csv"
    mapping.write_text("lms_name,student_id\nAda Lovelace,s001\n2001,s002\n")
    archive = make_zip(tmp_path / "class.zip", [
        ("Ada Lovelace_1001_assignsubmission_file_/gru_gates.ipynb", NOTEBOOK),
        ("hopperg_2001_3001_gru_gates.ipynb", NOTEBOOK),
    ])
    assert main(["--course", str(course.root), "collect", str(archive), "--assignment", "gru_gates",
                 "--map", str(mapping)]) == 0
    assert course.submission("s001", "gru_gates").is_file()
    assert course.submission("s002", "gru_gates").is_file()


@pytest.mark.parametrize("entry, reason", [
    (("../evil_1_1_gru_gates.ipynb", NOTEBOOK), "'..'"),
    (("Eve_1_assignsubmission_file_/../../../evil.ipynb", NOTEBOOK), "'..'"),
    (("/etc/evil_1_1_gru_gates.ipynb", NOTEBOOK), "absolute path"),
    (symlink("mallory_1_1_gru_gates.ipynb", "/etc/passwd"), "symbolic link"),
    (("bomb_1_1_gru_gates.ipynb", b"0" * (MAX_ENTRY_BYTES + 1)), "more than"),
])
def test_unsafe_entries_are_rejected_by_name_and_the_rest_is_collected(course, tmp_path, capsys, entry, reason):
    archive = make_zip(tmp_path / "class.zip", [entry, ("ada_1_1_gru_gates.ipynb", NOTEBOOK)])
    assert main(["--course", str(course.root), "collect", str(archive), "--assignment", "gru_gates"]) == 1
    out = capsys.readouterr().out
    name = entry[0].filename if isinstance(entry[0], zipfile.ZipInfo) else entry[0]
    assert f"rejected {name!r}" in out and reason in out
    assert course.submission("ada", "gru_gates").read_bytes() == NOTEBOOK
    written = {p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()}
    assert written == {tmp_path.joinpath("class.zip").relative_to(tmp_path),
                       course.submission("ada", "gru_gates").relative_to(tmp_path)}


def test_a_file_that_is_not_a_zip_is_refused_by_name(course, tmp_path, capsys):
    bogus = tmp_path / "grades.zip"
    bogus.write_text("not a zip")
    assert main(["--course", str(course.root), "collect", str(bogus), "--assignment", "gru_gates"]) == 1
    assert f"{bogus}: cannot import: BadZipFile" in capsys.readouterr().out


# --- one student can never overwrite another (participants, not display names) ---------------

def notebook(tag: str) -> bytes:
    """A distinct notebook per student, so an overwrite shows."""
    return NOTEBOOK.replace(b'"metadata": {}', f'"metadata": {{"who": "{tag}"}}'.encode())


def moodle(name: str, participant: int, file: str = "gru_gates.ipynb") -> str:
    return f"{name}_{participant}_assignsubmission_file_/{file}"


def collect(course, archive, *extra: str) -> tuple[int, str]:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["--course", str(course.root), "collect", str(archive), "--assignment", "gru_gates", *extra])
    return code, out.getvalue()


def test_two_participants_with_one_name_are_both_refused(course, tmp_path):
    archive = make_zip(tmp_path / "moodle.zip", [
        (moodle("Ada Lovelace", 1001), notebook("ada-1001")),
        (moodle("Ada Lovelace", 1002), notebook("ada-1002")),
        (moodle("Alan Turing", 1003), notebook("alan")),
        ("Alan Turing_1003_assignsubmission_onlinetext_/onlinetext.html", b"<p>see file</p>"),
    ])
    code, out = collect(course, archive)
    assert code == 1
    assert "participants moodle:1001, moodle:1002 all resolve to student id 'ada_lovelace'" in out
    assert not course.submission("ada_lovelace", "gru_gates").exists()
    assert course.submission("alan_turing", "gru_gates").read_bytes() == notebook("alan")
    # the map, keyed by participant id, tells them apart
    mapping = tmp_path / "ids.csv"
    mapping.write_text("lms_name,student_id\n1001,s001\n1002,s002\n")
    code, out = collect(course, archive, "--map", str(mapping))
    assert code == 0, out
    assert course.submission("s001", "gru_gates").read_bytes() == notebook("ada-1001")
    assert course.submission("s002", "gru_gates").read_bytes() == notebook("ada-1002")


@pytest.mark.parametrize("names, mapping", [
    (("Ada Lovelace", "ada-lovelace"), ""),  # two display names that normalise to one id
    (("Ada Lovelace", "Ada Lovelace"), "Ada Lovelace,s001\n"),  # the same name, mapped by name
    (("Ada Lovelace", "Ada King"), "1001,S001\n1002,s001\n"),  # ids differing only in case
])
def test_names_or_a_map_giving_two_participants_one_id_are_refused(course, tmp_path, names, mapping):
    archive = make_zip(tmp_path / "moodle.zip", [(moodle(names[0], 1001), notebook("first")),
                                                 (moodle(names[1], 1002), notebook("second"))])
    extra = ()
    if mapping:
        (tmp_path / "ids.csv").write_text("lms_name,student_id\n" + mapping)
        extra = ("--map", str(tmp_path / "ids.csv"))
    code, out = collect(course, archive, *extra)
    assert code == 1 and "all resolve to student id" in out and "nothing placed for them" in out
    assert not course.submitted.exists() or not any(course.submitted.rglob("*.ipynb"))


def test_canvas_user_ids_decide_and_a_participants_later_attempt_wins(course, tmp_path):
    archive = make_zip(tmp_path / "canvas.zip", [
        ("lovelacea_2001_3001_gru_gates.ipynb", notebook("ada-first")),
        ("lovelacea_LATE_2001_3002_gru_gates-1.ipynb", notebook("ada-late")),
        ("turinga_2002_3003_gru_gates.ipynb", notebook("alan")),
        ("lovelace.a_2003_3004_gru_gates.ipynb", notebook("other-ada")),  # another user: lovelace_a
    ])
    code, out = collect(course, archive)
    assert code == 0, out
    assert course.submission("lovelacea", "gru_gates").read_bytes() == notebook("ada-late")
    assert course.submission("lovelace_a", "gru_gates").read_bytes() == notebook("other-ada")
    assert "lovelacea has a later notebook in the archive" in out
    clash = make_zip(tmp_path / "clash.zip", [("lovelace.a_2003_3004_gru_gates.ipynb", notebook("x")),
                                             ("lovelace-a_2004_3005_gru_gates.ipynb", notebook("y"))])
    code, out = collect(course, clash)
    assert code == 1 and "canvas:2003, canvas:2004 all resolve to student id 'lovelace_a'" in out
    assert course.submission("lovelace_a", "gru_gates").read_bytes() == notebook("other-ada")


def test_nothing_already_collected_is_overwritten(course, tmp_path):
    first = make_zip(tmp_path / "first.zip", [(moodle("Ada Lovelace", 1001), notebook("ada")),
                                              (moodle("Alan Turing", 1003), notebook("alan"))])
    assert collect(course, first)[0] == 0
    again = collect(course, first)
    assert again[0] == 0 and "already collected for ada_lovelace, unchanged" in again[1]
    # a later download, or another participant whose name normalises to a collected id
    later = make_zip(tmp_path / "later.zip", [(moodle("Ada  Lovelace", 1009), notebook("impostor")),
                                              (moodle("Grace Hopper", 1004), notebook("grace"))])
    code, out = collect(course, later)
    assert code == 1
    assert "submitted/ada_lovelace/gru_gates/gru_gates.ipynb is already collected and differs; it is kept" in out
    assert course.submission("ada_lovelace", "gru_gates").read_bytes() == notebook("ada")
    assert course.submission("alan_turing", "gru_gates").read_bytes() == notebook("alan")
    assert course.submission("grace_hopper", "gru_gates").read_bytes() == notebook("grace")
    notebooks = sorted(p.relative_to(course.submitted).as_posix() for p in course.submitted.rglob("*") if p.is_file())
    assert notebooks == [f"{s}/gru_gates/gru_gates.ipynb" for s in ("ada_lovelace", "alan_turing", "grace_hopper")]


def test_escape_sequences_in_entry_names_never_reach_the_terminal_raw(course, tmp_path):
    archive = make_zip(tmp_path / "moodle.zip", [
        (moodle("Eve\x1b[2J\x1b]0;pwned\x07", 1005, "gru\u202egates.ipynb"), notebook("eve")),
        ("\x1b[31mnotes\x9b2J.txt", b"hello"),
        (moodle("Ada Lovelace", 1001), notebook("ada")),
    ])
    code, out = collect(course, archive)
    assert code == 0, out
    assert not any(raw in out for raw in ("\x1b", "\x9b", "\x07", "\u202e"))
    assert "\\x1b[2J" in out and "\\u202e" in out and "\\x9b2J" in out
    assert course.submission("eve_2j_0_pwned", "gru_gates").read_bytes() == notebook("eve")
