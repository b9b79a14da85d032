"""`grucourse demo` builds a course nbgrader can open: five assignments graded, feedback, report."""
from __future__ import annotations

import csv

import pytest
from course_support import REPO
from nbgrader.api import Gradebook

from grucourse.cli import main
from grucourse.course import Course

pytestmark = pytest.mark.slow
STUDENTS = 5


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    course = Course.at(tmp_path_factory.mktemp("demo") / "demo_course")
    assert main(["--course", str(course.root), "demo", "--students", str(STUDENTS)]) == 0
    return course


def test_every_assignment_is_graded_in_the_gradebook(demo):
    with Gradebook(demo.db_url) as gradebook:
        assert sorted(a.name for a in gradebook.assignments) == sorted(REPO.assignments())
        for assignment in REPO.assignments():
            scores = {s.student_id: s.score for s in gradebook.assignment_submissions(assignment)}
            assert len(scores) == STUDENTS
            assert scores["student05"] == 0.0  # the blank notebook
        full = gradebook.find_assignment("gru_gates").max_score
        gates = {s.student_id: s.score for s in gradebook.assignment_submissions("gru_gates")}
    assert gates["student01"] == full  # simulated correct work
    assert 0 < min(gates[s] for s in ("student02", "student03", "student04")) < full  # one bug each


def test_feedback_pages_show_the_judges_checks(demo):
    pages = sorted(demo.feedback.glob("*/*/*.html"))
    assert len(pages) == STUDENTS * len(REPO.assignments())
    page = (demo.feedback / "student02" / "gru_gates" / "gru_gates.html").read_text()
    assert "FAIL" in page and "PASS" in page


def test_report_has_csvs_plots_and_an_index(demo):
    with open(demo.reports / "scores.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == STUDENTS * len(REPO.assignments())
    with open(demo.reports / "checks.csv") as handle:
        checks = list(csv.DictReader(handle))
    assert {c["passed"] for c in checks} == {"True", "False"}
    index = (demo.reports / "index.html").read_text()
    for assignment in REPO.assignments():
        plot = demo.reports / f"{assignment}_scores.png"
        assert plot.read_bytes()[:4] == b"\x89PNG"
        assert f'src="{plot.name}"' in index
    assert 'src="quiz_introduction_items/item_analysis.png"' in index


def test_feedback_and_report_commands_run_on_the_graded_course(demo, capsys):
    page = demo.feedback / "student01" / "quiz_introduction" / "quiz_introduction.html"
    page.unlink()
    assert main(["--course", str(demo.root), "feedback", "quiz_introduction"]) == 0
    assert page.is_file()
    (demo.reports / "index.html").unlink()
    assert main(["--course", str(demo.root), "report"]) == 0
    assert (demo.reports / "index.html").is_file()
    assert f"{STUDENTS} feedback page(s)" in capsys.readouterr().out


def test_demo_refuses_to_overwrite_the_repository(capsys):
    from grucourse.pipeline.course_copy import repository_root

    assert main(["--course", str(repository_root()), "demo"]) == 1
    assert "the demo needs its own directory" in capsys.readouterr().err
