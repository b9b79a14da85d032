"""Canvas's gradebook import CSV, made from Canvas's export and read back by the columns
Canvas's importer needs (tests/lms_support.py)."""
from __future__ import annotations

import pytest
from lms_support import read_canvas_import

from grucourse.lms.canvas import gradebook_import
from grucourse.lms.grades import FinalScore
from grucourse.lms.sheet import ExportError

EXPORT = ("Student,ID,SIS User ID,SIS Login ID,Section,GRU gates (4321),GRU BPTT (4322),Current Score\n"
          "    Points Possible,,,,,10.00,12.00,(read only)\n"
          '"Lovelace, Ada",2001,S1,lovelacea,GRU 101,,5.00,50\n'
          '"=1+2, Eve",2002,S2,eve,GRU 101,,1.00,10\n'
          '"Turing, Alan",2003,S3,turinga,GRU 101,8.00,,80\n'
          '"Hopper, Grace",2004,S4,hopperg,GRU 101,,,0\n')


def score(student: str, value: float, submitted: bool = True) -> FinalScore:
    return FinalScore("gru_gates", student, submitted, None, value, 0.0, value, 10.0)


def export(tmp_path, text: str = EXPORT):
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8-sig")
    return path


def test_collected_students_get_their_score_in_the_assignment_column(tmp_path):
    out = tmp_path / "import.csv"
    scores = {"lovelacea": score("lovelacea", 7.125), "s002": score("s002", 0.1 + 0.2),
              "hopperg": score("hopperg", 0.0, submitted=False), "s009": score("s009", 4.0)}
    done = gradebook_import(export(tmp_path), out, "gru_gates", scores, {"2002": "s002", "2009": "s009"})
    header, points, grades = read_canvas_import(out)
    assert header == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "GRU gates (4321)"]
    assert points == {"GRU gates (4321)": "10.00"}
    assert grades == {"2001": {"GRU gates (4321)": "7.13"}, "2002": {"GRU gates (4321)": "0.30"}}
    rows = out.read_text().splitlines()
    assert rows[3] == "\"'=1+2, Eve\",2002,S2,eve,GRU 101,0.30", "a name is never a formula"
    assert done.left_out == ["Canvas user 2003: not collected into this course", "Canvas user 2004: hopperg has "
                             "no submission", "s009: graded but not in the Canvas export"]


def test_the_assignment_column_must_be_found_exactly_once(tmp_path):
    with pytest.raises(ExportError, match="0 columns named like 'gru_variants'; pass --column, one of "
                                          "'GRU gates \\(4321\\)', 'GRU BPTT \\(4322\\)'"):
        gradebook_import(export(tmp_path), tmp_path / "o.csv", "gru_variants", {}, {})
    gradebook_import(export(tmp_path), tmp_path / "o.csv", "gru_variants", {}, {}, chosen="GRU BPTT (4322)")
    assert read_canvas_import(tmp_path / "o.csv")[0][-1] == "GRU BPTT (4322)"


def test_an_export_without_the_student_columns_is_refused(tmp_path):
    with pytest.raises(ExportError, match="no 'SIS Login ID' column"):
        gradebook_import(export(tmp_path, "Student,ID,SIS User ID,Section,GRU gates (4321)\n"), tmp_path / "o.csv",
                         "gru_gates", {}, {})
