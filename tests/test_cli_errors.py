"""One error path for the user: a CourseError from any command is printed once, terminal-safe,
with exit status 1 and no traceback, and leaves no gradebook behind in an empty course."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from grucourse.cli import main
from grucourse.course import Course
from grucourse.lab import exchange_root


def _run(course: Path, *args: str) -> int:
    return main(["--course", str(course), *args])


@pytest.mark.parametrize("args,told", [
    (("quiz", "analyse", "quiz_introduction"), "is not a quiz of"),
    (("quiz", "export", "--format", "gift"), "no *.yaml files"),
    (("quiz", "build"), "no *.yaml files"),
    (("report",), "nothing has been graded"),
    (("build", "--no-gradebook"), "no *.yaml files"),
], ids=["quiz-analyse", "quiz-export", "quiz-build", "report", "build"])
def test_a_command_on_an_empty_course_says_why_and_fails(tmp_path: Path, capsys, args, told) -> None:
    assert _run(tmp_path, *args) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"grucourse {args[0]}: ") and told in err, err
    assert "Traceback" not in err
    assert not (tmp_path / "gradebook.db").exists(), "an empty gradebook was left behind"
    assert not (tmp_path / "reports").exists()


def test_quiz_analyse_before_grading_leaves_no_gradebook(quiz_course: Course, capsys) -> None:
    assert _run(quiz_course.root, "quiz", "analyse", "quiz_introduction") == 1
    assert "grade the quiz first" in capsys.readouterr().err
    assert not quiz_course.gradebook.exists()


def test_the_message_is_terminal_safe(tmp_path: Path, capsys) -> None:
    hostile = "x\x1b]0;owned\x07\x1b[2J\u202e"
    assert _run(tmp_path, "quiz", "analyse", hostile) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err and "\u202e" not in err
    assert "\\x1b" in err, "the escape is shown, not dropped"


def test_the_installed_command_exits_1_without_a_traceback(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "grucourse.cli", "--course", str(tmp_path), "report"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "grucourse report:" in done.stderr and not (tmp_path / "gradebook.db").exists()


def test_the_lab_reads_the_exchange_from_the_course_configuration(tmp_path: Path) -> None:
    course = Course.at(tmp_path)
    assert exchange_root(course) is None
    (tmp_path / "nbgrader_config.py").write_text('c = get_config()\nc.Exchange.root = "/srv/exchange"\n')
    assert exchange_root(course) == Path("/srv/exchange")
