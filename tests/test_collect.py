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
