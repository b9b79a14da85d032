"""The whole LMS round trip with real nbgrader: a class handed in through Moodle and Canvas zips,
collected, graded, its feedback released with `nbgrader release_feedback`, and the grade files
for both LMSes read back with the column rules each LMS documents."""
from __future__ import annotations

import csv
import io
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import nbformat
import numpy as np
import pytest
from lms_support import (
    LegacyName,
    read_canvas_import,
    read_moodle_feedback_zip,
    read_moodle_worksheet,
)
from nbgrader.api import Gradebook

from grucourse.cli import main
from grucourse.course import Course
from grucourse.lms.grades import final_score
from grucourse.pipeline.course_copy import copy_course
from grucourse.quiz.build import write_quiz_sources
from grucourse.quiz.simulate import make_quiz_submission
from grucourse.release import generate

QUIZ = "quiz_introduction"
DUE = datetime(2026, 12, 1, 12, 0)
# student id, LMS, participant number, name as the LMS writes it, upload time (UTC), stored name encoding
CLASS = [
    ("s001", "moodle", "1001", "Ada Lovelace", (2026, 12, 1, 9, 0, 0), "utf-8"),
    ("s002", "moodle", "1002", "José Núñez", (2026, 12, 1, 10, 0, 0), "cp437"),  # Windows zip, no UTF-8 flag
    ("s003", "moodle", "1003", "=HYPERLINK(\"evil.example\")", (2026, 12, 2, 8, 0, 0), "utf-8"),  # late
    ("s004", "canvas", "2004", "hoppergrace", (2026, 12, 1, 11, 0, 0), "utf-8"),
    ("s005", "canvas", "2005", "turingalan", (2026, 12, 3, 8, 0, 0), "utf-8"),  # late
]


def member(lms: str, number: str, name: str, when: tuple, encoding: str) -> zipfile.ZipInfo:
    late = "late_" if when > DUE.timetuple()[:6] else ""
    path = (f"{name}_{number}_assignsubmission_file_/{QUIZ}.ipynb" if lms == "moodle"
            else f"{name}_{late}{number}_{int(number) + 5000}_{QUIZ}.ipynb")
    return LegacyName(path.encode("cp437"), when) if encoding == "cp437" else zipfile.ZipInfo(path, when)


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> tuple[Course, Path]:
    """The class collected from two zips, graded, with feedback generated and released."""
    root = tmp_path_factory.mktemp("lms")
    course = copy_course(root / "course", names=("question_bank", "quizzes", "nbgrader_config.py"))
    write_quiz_sources(course)
    (course.root / "exchange").mkdir()  # nbgrader's exchange root, which the instructor creates
    generate(course, QUIZ, course.db_url)
    with Gradebook(course.db_url) as gradebook:
        gradebook.update_or_create_assignment(QUIZ, duedate=DUE)
    rng = np.random.default_rng(17)
    zips = {}
    for i, (student, lms, number, name, when, encoding) in enumerate(CLASS):
        notebook = nbformat.writes(make_quiz_submission(course, QUIZ, student, rng, accuracy=0.2 + 0.15 * i))
        zips.setdefault(lms, []).append((member(lms, number, name, when, encoding), notebook))
    mapping = root / "map.csv"
    mapping.write_text("lms_name,student_id\n" + "".join(f"{n},{s}\n" for s, _, n, *_ in CLASS), encoding="utf-8")
    for lms, entries in zips.items():
        with zipfile.ZipFile(root / f"{lms}.zip", "w") as archive:
            for info, data in entries:
                archive.writestr(info, data)
        assert main(["--course", str(course.root), "collect", str(root / f"{lms}.zip"), "--assignment", QUIZ,
                     "--map", str(mapping)]) == 0
    assert main(["--course", str(course.root), "grade", QUIZ, "--workers", "1"]) == 0
    assert main(["--course", str(course.root), "feedback", QUIZ]) == 0
    return course, root


def nbgrader(course: Course, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course.root, capture_output=True,
                          text=True, timeout=600)


@pytest.mark.slow
def test_release_feedback_reaches_the_whole_class_after_a_zip_collect(released) -> None:
    course, _ = released
    run = nbgrader(course, "release_feedback", QUIZ)
    assert run.returncode == 0, run.stderr
    outbound = course.root / "exchange" / "gru_course" / "feedback"
    assert len(list(outbound.glob("*.html"))) == len(CLASS)
    for student, *_ in CLASS:
        assert f"Releasing feedback for student '{student}'" in run.stderr
    with Gradebook(course.db_url) as gradebook:  # the LMS's upload time decides lateness
        late = {s: gradebook.find_submission(QUIZ, s).total_seconds_late > 0 for s, *_ in CLASS}
    assert late == {"s001": False, "s002": False, "s003": True, "s004": False, "s005": True}


@pytest.mark.slow
def test_a_student_without_exchange_records_is_named_and_the_rest_still_released(released, tmp_path) -> None:
    course, _ = released
    outbound = course.root / "exchange" / "gru_course" / "feedback"
    for page in outbound.glob("*.html"):
        page.unlink()
    stamp = course.feedback / "s002" / QUIZ / "timestamp.txt"
    saved = stamp.read_bytes()
    stamp.unlink()  # as a submission copied into submitted/ by hand leaves it
    try:
        run = nbgrader(course, "release_feedback", QUIZ)
    finally:
        stamp.write_bytes(saved)
    assert run.returncode != 0
    assert "feedback of 's002' on quiz_introduction not released: timestamp.txt missing" in run.stderr
    assert len(list(outbound.glob("*.html"))) == len(CLASS) - 1


def scores(course: Course) -> dict[str, str]:
    with Gradebook(course.db_url) as gradebook:
        return {s: f"{final_score(gradebook, QUIZ, s).score:.2f}" for s, *_ in CLASS}


MOODLE_WORKSHEET = (
    "Identifier,Full name,Email address,Status,Grade,Maximum Grade,Grade can be changed,"
    "Last modified (submission),Last modified (grade),Feedback comments\n"
    + "".join(f'Participant {n},"{name.replace(chr(34), chr(34) * 2)}",{s}@example.org,Submitted for grading,,'
              "{top},Yes,\"Tuesday, 1 December 2026, 9:00 AM\",-,\n"
              for s, lms, n, name, *_ in CLASS if lms == "moodle")
    + "Participant 1099,Never Collected,nc@example.org,No submission,,{top},Yes,-,-,\n")


@pytest.mark.slow
def test_moodle_worksheet_and_feedback_zip_read_back_as_moodle_reads_them(released) -> None:
    course, root = released
    with Gradebook(course.db_url) as gradebook:
        top = f"{gradebook.find_assignment(QUIZ).max_score:.2f}"
    worksheet = root / "worksheet.csv"
    worksheet.write_text(MOODLE_WORKSHEET.replace("{top}", top), encoding="utf-8-sig")
    out, feedback = root / "moodle_grades.csv", root / "moodle_feedback.zip"
    assert main(["--course", str(course.root), "export-grades", "--lms", "moodle", "--assignment", QUIZ,
                 "--from", str(worksheet), "--out", str(out), "--feedback-zip", str(feedback)]) == 0
    expected = scores(course)
    rows = read_moodle_worksheet(out)
    assert {r["participant"]: r["grade"] for r in rows} == {
        "1001": expected["s001"], "1002": expected["s002"], "1003": expected["s003"], "1099": ""}
    assert all(float(r["grade"]) <= float(top) for r in rows if r["grade"])
    by_id = {r["participant"]: r["row"] for r in rows}
    assert by_id["1003"]["Full name"] == "'=HYPERLINK(\"evil.example\")", "no formula in the spreadsheet"
    assert by_id["1002"]["Full name"] == "José Núñez"
    assert by_id["1001"]["Last modified (grade)"] == "'-"  # Moodle's strtotime reads it as never, like "-"
    pages = read_moodle_feedback_zip(feedback)
    assert sorted(pages) == ["1001", "1002", "1003"]
    for student, _, number, *_ in CLASS[:3]:
        (name, data), = pages[number].items()
        assert data == (course.feedback / student / QUIZ / name).read_bytes()


@pytest.mark.slow
def test_canvas_import_reads_back_as_canvas_reads_it(released) -> None:
    course, root = released
    export = root / "canvas_export.csv"
    export.write_text(
        "Student,ID,SIS User ID,SIS Login ID,Section,Quiz introduction (4321),Other (99),Current Score\n"
        "    Points Possible,,,,,5.00,10.00,(read only)\n"
        "\"Hopper, Grace\",2004,S-2004,hopperg,GRU 101,,7.00,50\n"
        "\"Turing, Alan\",2005,S-2005,turinga,GRU 101,,3.00,20\n"
        "\"@SUM(A1), Mallory\",2099,S-2099,mallory,GRU 101,,1.00,10\n", encoding="utf-8")
    out = root / "canvas_import.csv"
    assert main(["--course", str(course.root), "export-grades", "--lms", "canvas", "--assignment", QUIZ,
                 "--from", str(export), "--out", str(out)]) == 0
    header, points, grades = read_canvas_import(out)
    assert header == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Quiz introduction (4321)"]
    assert points == {"Quiz introduction (4321)": "5.00"}
    expected = scores(course)
    assert grades == {"2004": {"Quiz introduction (4321)": expected["s004"]},
                      "2005": {"Quiz introduction (4321)": expected["s005"]}}


@pytest.mark.slow
def test_nbgrader_export_and_scores_csv_hold_two_decimals(released) -> None:
    course, root = released
    run = nbgrader(course, "export", "--to", str(root / "grades.csv"))
    assert run.returncode == 0, run.stderr
    rows = list(csv.DictReader(io.StringIO((root / "grades.csv").read_text())))
    assert {r["student_id"] for r in rows} == {s for s, *_ in CLASS}
    for row in rows:
        for column in ("raw_score", "late_submission_penalty", "score", "max_score"):
            whole, _, decimals = row[column].partition(".")
            assert whole.isdigit() and len(decimals) == 2, row
    assert {r["student_id"]: r["score"] for r in rows} == scores(course)
    assert main(["--course", str(course.root), "report"]) == 0
    for row in csv.DictReader(io.StringIO((course.reports / "scores.csv").read_text())):
        assert float(row["score"]) == round(float(row["score"]), 2)
