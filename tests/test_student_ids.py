"""Student ids that are not plain ids (HTML, escape sequences, bidi overrides, forged names) are
refused by every entry point: `grucourse grade`, plain `nbgrader autograde` through the course's
nbgrader_config.py, and `nbgrader collect` from the exchange. The rest of the class is graded,
the refused name never reaches the gradebook, a file name or the terminal raw."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbgrader.api import Gradebook

from grucourse.cli import main
from grucourse.course import Course
from grucourse.ids import is_plain_id, refusal, shown
from grucourse.pipeline.course_copy import copy_course
from grucourse.quiz.simulate import make_quiz_submission

QUIZ = "quiz_introduction"
# HTML, an OSC title, a C1 CSI clearing the screen, a right-to-left override (no "[": nbgrader's
# glob would skip such a folder by itself)
HOSTILE = "<img src=x onerror=alert(1)>\x1b]0;pwned\x07\x9b2J\u202e"
RAW = ("\x1b", "\x9b", "\u202e", "\x07")  # what a terminal would obey


@pytest.mark.parametrize("name", ["ada", "s001", "Ada.Lovelace", "a-b_c.d", "9" * 64])
def test_plain_ids_are_accepted(name: str) -> None:
    assert is_plain_id(name)


@pytest.mark.parametrize("name", ["", ".", "..", "a..b", ".hidden", "-rf", "=cmd", "+1", "@x", "a b", "a/b",
                                  "a+b", "<b>", "ada\n", "ada\x1b[31m", "\u202eada", "ädа", "9" * 65])
def test_other_names_are_refused_and_shown_escaped(name: str) -> None:
    assert not is_plain_id(name)
    message = refusal(name, "submitted/")
    assert message.isascii() and all(ord(ch) >= 32 for ch in message), message
    assert shown(name) in message


def quiz_class(root: Path) -> Course:
    """A course copy with two honest quiz submissions and one in a hostile folder."""
    course = copy_course(root)
    for student in ("ann", HOSTILE, "zed"):
        path = course.submission(student, QUIZ)
        path.parent.mkdir(parents=True)
        nbformat.write(make_quiz_submission(course, QUIZ, "ann" if student == HOSTILE else student,
                                            np.random.default_rng(0), 1.0), path)
    return course


def graded_students(course: Course) -> set[str]:
    with Gradebook(course.db_url) as gradebook:
        return {student.id for student in gradebook.students}


def only_plain_names_written(course: Course) -> None:
    for folder in (course.autograded, course.judge_cache, course.root / "feedback"):
        names = {p.name for p in folder.rglob("*")} if folder.is_dir() else set()
        assert not any(part in name for name in names for part in (*RAW, "<img")), names


@pytest.mark.slow
def test_grucourse_grade_refuses_the_folder_and_grades_the_rest(tmp_path: Path, capsys) -> None:
    course = quiz_class(tmp_path / "course")
    assert main(["--course", str(course.root), "grade", QUIZ, "--workers", "1"]) == 1, "a refused folder fails the run"
    out = capsys.readouterr().out
    assert refusal(HOSTILE, "submitted/") in out
    assert not any(raw in out for raw in RAW), "the hostile name reached the terminal raw"
    assert graded_students(course) == {"ann", "zed"}
    only_plain_names_written(course)


@pytest.mark.slow
def test_plain_nbgrader_autograde_skips_the_folder_and_grades_the_rest(tmp_path: Path) -> None:
    course = quiz_class(tmp_path / "course")
    subprocess.run(["nbgrader", "generate_assignment", QUIZ, "--force"], cwd=course.root, check=True,
                   capture_output=True, timeout=300)
    done = subprocess.run(["nbgrader", "autograde", QUIZ], cwd=course.root, capture_output=True, text=True,
                          timeout=600)
    log = done.stdout + done.stderr
    assert done.returncode == 0, log
    assert f"{course.submitted}: student id {shown(HOSTILE)} is not a plain id" in log
    assert not any(raw in log for raw in RAW), "the hostile name reached the log raw"
    assert graded_students(course) == {"ann", "zed"}
    assert {p.name for p in course.autograded.iterdir()} == {"ann", "zed"}
    only_plain_names_written(course)


def inbound(course: Course, name: str, owner: int | None = None) -> Path:
    """A submission as `nbgrader submit` leaves it in the exchange, under any name a student chose."""
    folder = course.root / "exchange" / "gru_course" / "inbound" / name
    folder.mkdir(parents=True)
    notebook = folder / f"{QUIZ}.ipynb"
    nbformat.write(make_quiz_submission(course, QUIZ, "bob", np.random.default_rng(1), 1.0), notebook)
    (folder / "timestamp.txt").write_text("2026-12-01 10:00:00.000000 UTC")
    if owner is not None:
        for path in (folder, notebook, folder / "timestamp.txt"):
            os.chown(path, owner, owner)
    return folder


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() != 0, reason="handing a file to another account needs root")
def test_nbgrader_collect_refuses_forged_hostile_and_unreadable_names(tmp_path: Path) -> None:
    course = copy_course(tmp_path / "course")
    stamp = "2026-12-01 10:00:00.000000 UTC"
    inbound(course, f"bob+{QUIZ}+{stamp}")
    inbound(course, f"alice+{QUIZ}+{stamp}", owner=65534)  # written by another account, in alice's name
    inbound(course, f"{HOSTILE}+{QUIZ}+{stamp}")
    inbound(course, f"carol+{QUIZ}+not a time")
    done = subprocess.run(["nbgrader", "collect", QUIZ], cwd=course.root, capture_output=True, text=True, timeout=300)
    log = done.stdout + done.stderr
    assert done.returncode == 0, log
    assert {p.name for p in course.submitted.iterdir()} == {"bob"}, log
    assert "it claims student id alice but is owned by 'nobody', a forged id" in log
    assert f"inbound: student id {shown(HOSTILE)} is not a plain id" in log
    assert f"{shown('carol+' + QUIZ + '+not a time')}: not a submission name" in log
    assert not any(raw in log for raw in RAW), "the hostile name reached the log raw"
