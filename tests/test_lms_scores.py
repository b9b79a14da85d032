"""The one precision of written scores (grucourse.scores) and the export command's refusals."""
from __future__ import annotations

import pytest
from nbgrader.api import Gradebook

from grucourse.cli import main
from grucourse.course import Course
from grucourse.scores import format_score, round_score


@pytest.mark.parametrize("raw, rounded, text", [
    (6.000001, 6.0, "6.00"), (5.999999999, 6.0, "6.00"), (2 / 3, 0.67, "0.67"), (0.1 + 0.2, 0.3, "0.30"),
    (0.125, 0.13, "0.13"), (2.675, 2.68, "2.68"), (-0.001, 0.0, "0.00"), (7, 7.0, "7.00"),
])
def test_scores_are_rounded_half_up_on_their_decimal_value(raw, rounded, text):
    assert round_score(raw) == rounded and format_score(raw) == text
    assert str(round_score(raw)) != "-0.0"


def test_export_refuses_an_assignment_the_gradebook_lacks_and_a_canvas_feedback_zip(tmp_path, capsys):
    course = Course.at(tmp_path / "course")
    course.root.mkdir()
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("Identifier,Grade,Last modified (grade)\n")
    base = ["--course", str(course.root), "export-grades", "--from", str(sheet), "--out", str(tmp_path / "o.csv")]
    assert main([*base, "--lms", "moodle", "--assignment", "gru_gates"]) == 1
    assert "gradebook.db does not exist: grade the assignment first" in capsys.readouterr().out
    with Gradebook(course.db_url) as gradebook:
        gradebook.add_assignment("gru_gates")
    assert main([*base, "--lms", "moodle", "--assignment", "gru_gate"]) == 1
    assert "'gru_gate' is not in the gradebook (known: gru_gates)" in capsys.readouterr().out
    assert main([*base, "--lms", "canvas", "--assignment", "gru_gates", "--feedback-zip", str(tmp_path / "f.zip")]) == 1
    assert "--feedback-zip is for Moodle" in capsys.readouterr().out
    assert main([*base, "--lms", "moodle", "--assignment", "gru_gates"]) == 0
    assert (tmp_path / "o.csv").read_text().splitlines() == ["Identifier,Grade,Last modified (grade)"]
    assert not (tmp_path / "f.zip").exists()
