"""Moodle's grading worksheet and feedback zip, filled from final scores and read back by the
rules of Moodle's importers (tests/lms_support.py)."""
from __future__ import annotations

import pytest
from lms_support import read_moodle_feedback_zip, read_moodle_worksheet

from grucourse.lms.grades import FinalScore
from grucourse.lms.moodle import feedback_zip, fill_worksheet
from grucourse.lms.sheet import ExportError

HEADER = ("Identifier,Full name,Email address,Status,Grade,Maximum Grade,Grade can be changed,"
          "Last modified (submission),Last modified (grade),Feedback comments\n")


def score(student: str, value: float, top: float = 10.0, submitted: bool = True) -> FinalScore:
    return FinalScore("gru_gates", student, submitted, None, value, 0.0, value, top)


def worksheet(tmp_path, rows: str, header: str = HEADER):
    path = tmp_path / "worksheet.csv"
    path.write_text(header + rows, encoding="utf-8-sig")
    return path


ROWS = ('Participant 1001,Ada Lovelace,ada@example.org,Submitted,,10.00,Yes,"1 December 2026, 9:00 AM",'
        '"2 December 2026, 9:00 AM",Well done\n'
        'Participant 1002,"=cmd|\' /C calc\'!A0",eve@example.org,Submitted,,10.00,Yes,-,-,\n'
        'Participant 1003,Alan Turing,alan@example.org,No submission,,10.00,Yes,-,-,\n'
        'Participant 1004,Grace Hopper,grace@example.org,Submitted,3.00,10.00,Yes,-,-,\n')


def test_grades_land_in_the_grade_column_of_the_collected_participants_only(tmp_path):
    out = tmp_path / "upload.csv"
    students = {"1001": "s001", "1002": "s002", "1003": "s003", "1005": "s005"}
    scores = {"s001": score("s001", 6.000001), "s002": score("s002", 2 / 3), "s003": score("s003", 0, submitted=False),
              "s005": score("s005", 9.0)}
    done = fill_worksheet(worksheet(tmp_path, ROWS), out, scores, students)
    rows = read_moodle_worksheet(out)
    assert [(r["participant"], r["grade"]) for r in rows] == [("1001", "6.00"), ("1002", "0.67"), ("1003", ""),
                                                               ("1004", "3.00")]
    assert rows[0]["row"]["Feedback comments"] == "Well done", "every other column as Moodle wrote it"
    assert rows[0]["row"]["Last modified (grade)"] == "2 December 2026, 9:00 AM"
    assert rows[1]["row"]["Full name"] == "'=cmd|' /C calc'!A0", "a name is never a formula"
    assert done.graded == {"1001": "6.00", "1002": "0.67"}
    assert done.left_out == ["Participant 1003: s003 has no submission, grade left as it is",
                             "Participant 1004: not collected into this course, grade left as it is",
                             "s005: graded but not in the worksheet"]


def test_a_worksheet_without_the_columns_moodle_needs_is_refused(tmp_path):
    header = HEADER.replace("Last modified (grade),", "")
    with pytest.raises(ExportError, match="no 'Last modified \\(grade\\)' column"):
        fill_worksheet(worksheet(tmp_path, "", header), tmp_path / "o.csv", {}, {})


def test_a_different_maximum_is_refused_unless_rescaled(tmp_path):
    sheet = worksheet(tmp_path, "Participant 1001,Ada,a@x,Submitted,,100.00,Yes,-,-,\n")
    scores, students = {"s001": score("s001", 6.5)}, {"1001": "s001"}
    with pytest.raises(ExportError, match="Moodle's maximum grade is 100.00 but gru_gates is worth 10.00 points"):
        fill_worksheet(sheet, tmp_path / "o.csv", scores, students)
    fill_worksheet(sheet, tmp_path / "o.csv", scores, students, rescale=True)
    assert read_moodle_worksheet(tmp_path / "o.csv")[0]["grade"] == "65.00"


def test_feedback_pages_sit_where_moodle_finds_each_participant(tmp_path):
    rows = ('Participant 1001,Ada_Lovelace,a@x,Submitted,,10,Yes,-,-,\n'
            'Participant 1002,../../etc/passwd,e@x,Submitted,,10,Yes,-,-,\n'
            'Participant 1003,Alan Turing,t@x,Submitted,,10,Yes,-,-,\n')
    pages = {}
    for student in ("s001", "s002"):
        page = tmp_path / student / "gru_gates.html"
        page.parent.mkdir()
        page.write_text(f"<p>feedback of {student}</p>")
        pages[student] = [page]
    out = tmp_path / "feedback.zip"
    done = feedback_zip(worksheet(tmp_path, rows), out, pages, {"1001": "s001", "1002": "s002", "1003": "s003"})
    found = read_moodle_feedback_zip(out)
    assert found == {"1001": {"gru_gates.html": b"<p>feedback of s001</p>"},
                     "1002": {"gru_gates.html": b"<p>feedback of s002</p>"}}
    import zipfile

    names = zipfile.ZipFile(out).namelist()
    assert names == ["AdaLovelace_1001_assignfeedback_file_/gru_gates.html",
                     "etcpasswd_1002_assignfeedback_file_/gru_gates.html"]
    assert done.left_out == ["Participant 1003: no feedback page"]
