"""A new code assignment made of course files only (docs/instructor_guide.md, "Add an
assignment"): a copy of the course gets `lstm_gates` (source notebook, hidden tests, one
simulated mistake), `grucourse build lstm_gates` records and releases it, and the demo, grading,
feedback, report and similarity all take it up with no change to the package."""
from __future__ import annotations

import csv
from pathlib import Path

import lstm_gates_course as new
import nbformat
import pytest
from nbgrader.api import Gradebook

import grucourse
from grucourse.cli import main
from grucourse.course import Course
from grucourse.pipeline.course_copy import copy_course

pytestmark = [pytest.mark.slow, pytest.mark.timeout(2400)]
STUDENTS = 4  # correct, correct, the simulated mistake, blank


def add_assignment(course: Course) -> list[Path]:
    """Write the new assignment's course files; the list of files an instructor adds."""
    source = course.source_notebook(new.NAME)
    source.parent.mkdir(parents=True)
    nbformat.write(new.source_notebook(), source)
    tests = course.grading_tests / new.NAME
    tests.mkdir()
    (tests / "test_forget_gate.py").write_text(new.HIDDEN_TESTS, encoding="utf-8")
    course.simulated_mistakes(new.NAME).write_text(new.SIMULATED, encoding="utf-8")
    return [source, tests / "test_forget_gate.py", course.simulated_mistakes(new.NAME)]


@pytest.fixture(scope="module")
def courses(tmp_path_factory: pytest.TempPathFactory) -> tuple[Course, Course]:
    """(the instructor's course with lstm_gates added and built, the demo made from it)."""
    root = tmp_path_factory.mktemp("new_assignment")
    course = copy_course(root / "course")
    add_assignment(course)
    assert main(["--course", str(course.root), "build", "--no-gradebook", new.NAME]) == 0
    demo = Course.at(root / "demo")
    assert main(["--course", str(demo.root), "demo", "--students", str(STUDENTS), "--from", str(course.root)]) == 0
    return course, demo


def test_the_package_does_not_name_the_new_assignment() -> None:
    package = Path(grucourse.__file__).parent
    assert not [p for p in package.rglob("*.py") if new.NAME in p.read_text(encoding="utf-8")]


def test_build_discovers_records_and_releases_it(courses) -> None:
    course, _ = courses
    assert new.NAME in course.code_assignments() and not course.is_quiz(new.NAME)
    manifest = (course.grading_tests / "MANIFEST.sha256").read_text()
    assert f"{new.NAME}/test_forget_gate.py" in manifest and f"{new.NAME}/simulated.yaml" in manifest
    released = course.release_notebook(new.NAME).read_text()
    assert "forget_gate" in released and "BEGIN SOLUTION" not in released
    assert "np.exp(-(X_t @ W_f" not in released, "the solution reached the release"
    assert not (course.release / new.NAME / "simulated.yaml").exists()


def test_the_demo_grades_it_from_the_hidden_tests(courses) -> None:
    _, demo = courses
    with Gradebook(demo.db_url) as gradebook:
        assert gradebook.find_assignment(new.NAME).max_score == new.POINTS
        scores = {s.student_id: s.score for s in gradebook.assignment_submissions(new.NAME)}
    assert scores == {"student01": new.POINTS, "student02": new.POINTS,
                      "student03": pytest.approx(new.POINTS / 3), "student04": 0.0}, \
        "correct work gets full marks, the missing bias loses the value check, blank nothing"


def test_feedback_and_report_include_it(courses) -> None:
    _, demo = courses
    page = (demo.feedback / "student03" / new.NAME / f"{new.NAME}.html").read_text(encoding="utf-8")
    assert "the bias b_f is missing" in page
    with open(demo.reports / "scores.csv", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["assignment"] == new.NAME]
    assert len(rows) == STUDENTS
    assert f'src="{new.NAME}_scores.png"' in (demo.reports / "index.html").read_text(encoding="utf-8")


def test_grading_and_similarity_commands_take_it(courses, capsys) -> None:
    _, demo = courses
    assert main(["--course", str(demo.root), "grade", new.NAME]) == 0  # cached: nothing changed
    assert main(["--course", str(demo.root), "similarity", new.NAME]) == 0
    out = capsys.readouterr().out
    assert f"{STUDENTS} documents compared" in out or "documents compared" in out
    assert list(demo.root.rglob("similarity*/**/index.html")) or "report:" in out
