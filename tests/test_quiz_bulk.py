"""A quiz class graded in a process pool into the real nbgrader gradebook, and its item analysis."""
from __future__ import annotations

import csv
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbgrader.api import Gradebook

from grucourse.course import Course
from grucourse.quiz.bulk import grade_quiz_class
from grucourse.quiz.gradebook_bulk import store_quiz_results
from grucourse.quiz.item_analysis import analyse_gradebook, item_statistics
from grucourse.quiz.simulate import make_quiz_submission
from grucourse.release import generate
from test_quiz_fixtures import copy_quiz_course

QUIZ = "quiz_lstm_vs_gru"


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory: pytest.TempPathFactory) -> tuple[Course, list, Path]:
    root = tmp_path_factory.mktemp("quizclass")
    course = copy_quiz_course(root / "course")
    canary = root / "canary"
    rng = np.random.default_rng(7)
    students = [f"st{i:03d}" for i in range(60)]
    for i, student in enumerate(students):
        nb = make_quiz_submission(course, QUIZ, student, rng, accuracy=i / len(students))
        path = course.submission(student, QUIZ)
        path.parent.mkdir(parents=True)
        if student == "st001":
            nb.cells.insert(0, nbformat.v4.new_code_cell(f"open({str(canary)!r}, 'w')"))
            for cell in nb.cells:
                if cell.metadata.get("nbgrader", {}).get("grade"):
                    cell.source = f"answer_{cell.metadata.nbgrader.grade_id} = __import__('os').system('touch {canary}')"
        if student == "st002":
            path.write_bytes(b"\xff\xfe not json")
        else:
            nbformat.write(nb, path)
    generate(course, QUIZ, course.db_url)  # nbgrader records the quiz's cells in the gradebook
    results = grade_quiz_class(course, QUIZ, students, processes=2)
    return course, results, canary


@pytest.mark.slow
def test_gradebook_holds_the_scores_and_nothing_ran(graded_class) -> None:
    course, results, canary = graded_class
    assert not canary.exists()
    by_student = {r.student: r for r in results}
    assert by_student["st001"].score == 0
    assert by_student["st002"].score == 0 and "st002" in by_student["st002"].problems[0]
    assert "not a readable notebook" in by_student["st002"].problems[0]
    assert 0 < sum(r.score for r in results) < sum(r.max_score for r in results)
    with Gradebook(course.db_url) as gradebook:
        for result in results:
            submission = gradebook.find_submission(QUIZ, result.student)
            assert submission.score == pytest.approx(result.score), result.student
            assert submission.max_score == pytest.approx(result.max_score)


@pytest.mark.slow
def test_storing_again_keeps_manual_scores(graded_class) -> None:
    course, results, _ = graded_class
    question = next(iter(results[-1].cells))
    with Gradebook(course.db_url) as gradebook:
        grade = gradebook.find_grade(question, QUIZ, QUIZ, results[-1].student)
        grade.manual_score = 0.5
        gradebook.db.commit()
    store_quiz_results(course, QUIZ, results)
    with Gradebook(course.db_url) as gradebook:
        grade = gradebook.find_grade(question, QUIZ, QUIZ, results[-1].student)
        assert grade.manual_score == 0.5 and grade.needs_manual_grade
        assert len(gradebook.assignment_submissions(QUIZ)) == len(results)
        grade.manual_score = None
        gradebook.db.commit()


@pytest.mark.slow
def test_item_analysis_from_the_gradebook(graded_class, tmp_path: Path) -> None:
    course, results, _ = graded_class
    analysis = analyse_gradebook(course, QUIZ, tmp_path / "report")
    assert [item.question for item in analysis.items] == list(results[0].cells)
    rows = list(csv.DictReader(analysis.csv.open()))
    assert [row["question"] for row in rows] == list(results[0].cells)
    for item, row in zip(analysis.items, rows):
        right = [r.cells[item.question].score == r.cells[item.question].max_score for r in results]
        assert item.students == len(results) == 60
        assert item.difficulty == pytest.approx(np.mean(right)) == pytest.approx(float(row["difficulty"]), abs=1e-4)
        assert item.discrimination > 0.2, "accuracy rises with the student number: items must discriminate"
    assert analysis.png.stat().st_size > 10_000 and analysis.png.read_bytes()[:4] == b"\x89PNG"


def test_item_statistics_flags() -> None:
    rng = np.random.default_rng(3)
    ability = np.sort(rng.uniform(size=200))
    def answered(p: np.ndarray | float) -> np.ndarray:
        return (rng.uniform(size=200) < p).astype(float)

    scores = np.column_stack([
        *[answered(ability) for _ in range(6)],
        np.r_[np.ones(190), np.zeros(10)][rng.permutation(200)],     # nearly everybody right
        answered(0.1),                                                # nearly everybody wrong
        answered(1 - ability),                                        # the weak get it right
    ])
    items = {i.question: i for i in item_statistics(["good", "2", "3", "4", "5", "6", "easy", "hard", "reversed"], scores)}
    assert items["good"].flags == () and items["good"].discrimination > 0.2
    assert items["good"].upper_lower > 0.2
    assert "too easy" in items["easy"].flags
    assert "too hard" in items["hard"].flags
    assert "negative discrimination" in items["reversed"].flags and items["reversed"].upper_lower < 0
    assert items["easy"].difficulty == pytest.approx(0.95)


@pytest.mark.slow
def test_cli_grade_then_analyse(graded_class, tmp_path: Path) -> None:
    import subprocess
    import sys

    course, results, _ = graded_class
    run = subprocess.run([sys.executable, "-m", "grucourse.cli", "--course", str(course.root), "quiz", "grade", QUIZ],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert f"{len(results)} submissions of {QUIZ} graded" in run.stdout
    assert "st002: " in run.stderr and "not a readable notebook" in run.stderr
    run = subprocess.run([sys.executable, "-m", "grucourse.cli", "--course", str(course.root), "quiz", "analyse",
                          QUIZ, "--out", str(tmp_path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "60 students" in run.stdout
    assert (tmp_path / "item_analysis.csv").is_file() and (tmp_path / "item_analysis.png").is_file()
