"""A quiz class graded in local processes into the real nbgrader gradebook, and its item analysis.

`grucourse grade <quiz>` and `grucourse quiz grade <quiz>` run the same class pipeline as code
assignments (resume cache, graded notebooks, single gradebook writer) without a Dask cluster.
"""
from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbgrader.api import Gradebook

from grucourse.course import Course
from grucourse.pipeline.course_copy import copy_quiz_course
from grucourse.pipeline.gradebook import write_gradebook
from grucourse.pipeline.grading import ClassGrading
from grucourse.pipeline.submissions import locate
from grucourse.quiz.draw import draw_for
from grucourse.quiz.grade import current_quiz
from grucourse.quiz.item_analysis import analyse_gradebook, item_statistics
from grucourse.quiz.simulate import make_quiz_submission
from grucourse.release import generate
from grucourse.results import SubmissionResult

QUIZ = "quiz_lstm_vs_gru"
UNREADABLE = f"st002/{QUIZ}/{QUIZ}.ipynb is not UTF-8 text"


def grade_class(course: Course, students: list[str]) -> list[SubmissionResult]:
    """What `grucourse grade` does for these students' submissions, on 2 local processes."""
    return [g.result for g in ClassGrading(course, workers=2).run([locate(course, s, QUIZ) for s in students])]


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
    results = grade_class(course, students)
    return course, results, canary


@pytest.mark.slow
def test_gradebook_holds_the_scores_and_nothing_ran(graded_class) -> None:
    course, results, canary = graded_class
    assert not canary.exists()
    by_student = {r.student: r for r in results}
    assert by_student["st001"].score == 0
    assert by_student["st002"].score == 0 and UNREADABLE in by_student["st002"].problems[0]
    assert 0 < sum(r.score for r in results) < sum(r.max_score for r in results)
    with Gradebook(course.db_url) as gradebook:
        for result in results:
            submission = gradebook.find_submission(QUIZ, result.student)
            # the gradebook keeps two decimals per cell (a partial 2/3 is stored as 0.67)
            assert submission.score == pytest.approx(result.score, abs=0.005 * len(result.cells)), result.student
            assert submission.max_score == pytest.approx(result.max_score)


@pytest.mark.slow
def test_storing_again_keeps_manual_scores(graded_class) -> None:
    course, results, _ = graded_class
    question = next(iter(results[-1].cells))
    with Gradebook(course.db_url) as gradebook:
        grade = gradebook.find_grade(question, QUIZ, QUIZ, results[-1].student)
        grade.manual_score = 0.5
        gradebook.db.commit()
    write_gradebook(course, results)
    with Gradebook(course.db_url) as gradebook:
        grade = gradebook.find_grade(question, QUIZ, QUIZ, results[-1].student)
        assert grade.manual_score == 0.5 and grade.needs_manual_grade
        assert len(gradebook.assignment_submissions(QUIZ)) == len(results)
        grade.manual_score = None
        gradebook.db.commit()


@pytest.mark.slow
def test_item_analysis_from_the_gradebook(graded_class, tmp_path: Path) -> None:
    """Per question, over the students who were asked it, with each choice's frequency."""
    course, results, _ = graded_class
    quiz = current_quiz(course, QUIZ)
    analysis = analyse_gradebook(course, QUIZ, tmp_path / "report")
    asked: dict[str, list[float]] = {}
    for result in results:
        for d in draw_for(quiz, result.student):
            cell = result.cells[d.slot]
            asked.setdefault(d.question, []).append(round(cell.score, 2) / cell.max_score)
    in_quiz_order = [q.id for q in quiz.questions if q.id in asked]
    assert sorted(results[0].cells) == sorted(s.id for s in quiz.slots)
    assert [item.question for item in analysis.items] == in_quiz_order
    assert len(in_quiz_order) > len(quiz.slots), "a class of 60 is asked more questions than there are slots"
    rows = list(csv.DictReader(analysis.csv.open()))
    assert [row["question"] for row in rows] == in_quiz_order
    slot_of = {q.id: s.id for s in quiz.slots for q in s.candidates}
    for item, row in zip(analysis.items, rows, strict=True):
        assert item.students == len(asked[item.question]) == int(row["students"])
        assert item.slot == row["slot"] == slot_of[item.question]
        assert item.difficulty == pytest.approx(np.mean(asked[item.question]), abs=1e-9)
        assert item.difficulty == pytest.approx(float(row["difficulty"]), abs=1e-4)
    assert sum(item.students for item in analysis.items) == len(quiz.slots) * len(results)
    mean_discrimination = np.nanmean([item.discrimination for item in analysis.items])
    assert mean_discrimination > 0.2, "accuracy rises with the student number: items must discriminate"
    assert analysis.png.stat().st_size > 10_000 and analysis.png.read_bytes()[:4] == b"\x89PNG"


def test_choice_frequencies_are_in_bank_keys(graded_class, tmp_path: Path) -> None:
    """A distractor's share counts the students who picked it, whatever letter they saw it under
    (over the readable submissions: st002's is not JSON; st001's answers are no literals)."""
    course, _, _ = graded_class
    quiz = current_quiz(course, QUIZ)
    by_id = {q.id: q for q in quiz.questions}
    picks: dict[str, Counter] = {}
    asked: Counter = Counter()
    for n in range(60):
        student = f"st{n:03d}"
        if student == "st002":
            continue
        nb = nbformat.read(course.submission(student, QUIZ), as_version=4)
        for d in draw_for(quiz, student):
            asked[d.question] += 1
            source = next(c.source for c in nb.cells if c.get("id") == f"{d.slot}-answer")
            shown = source.split("=", 1)[1].strip().strip("'\"")
            if by_id[d.question].type == "single" and len(shown) == 1:
                picks.setdefault(d.question, Counter())[d.order[ord(shown) - ord("a")]] += 1
    items = {item.question: item for item in analyse_gradebook(course, QUIZ, tmp_path).items}
    for qid, counts in picks.items():
        question = by_id[qid]
        expected = ", ".join(f"{k}{'*' if k == question.answer else ''}: {counts[k] / asked[qid]:.0%}"
                             for k in question.choices)
        assert items[qid].choices == expected
    assert len(picks) >= 3


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
    assert f"st002: {UNREADABLE}" in run.stderr
    run = subprocess.run([sys.executable, "-m", "grucourse.cli", "--course", str(course.root), "quiz", "analyse",
                          QUIZ, "--out", str(tmp_path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "60 students" in run.stdout
    assert (tmp_path / "item_analysis.csv").is_file() and (tmp_path / "item_analysis.png").is_file()


@pytest.fixture
def small_class(tmp_path: Path) -> Course:
    course = copy_quiz_course(tmp_path / "course")
    rng = np.random.default_rng(11)
    for i, student in enumerate(["ann", "bob", "cat", "dan"]):
        path = course.submission(student, QUIZ)
        path.parent.mkdir(parents=True)
        nbformat.write(make_quiz_submission(course, QUIZ, student, rng, accuracy=i / 3), path)
    return course


def no_dask(*args, **kwargs):
    raise AssertionError("quizzes execute nothing: grading them must not start a Dask cluster")


@pytest.mark.slow
def test_grade_command_takes_the_local_path_and_resumes(small_class: Course, monkeypatch, capsys) -> None:
    from grucourse.cli import main
    from grucourse.pipeline import cluster
    from grucourse.quiz.grade import grade_quiz_notebook

    monkeypatch.setattr(cluster, "dask_client", no_dask)
    course, root = small_class, str(small_class.root)
    assert main(["--course", root, "grade", QUIZ, "--workers", "2"]) == 0
    out = capsys.readouterr().out
    assert "grading" in out and "4/4" in out, "the progress bar counts the quiz submissions"
    with Gradebook(course.db_url) as gradebook:
        stored = {s.student_id: s.score for s in gradebook.assignment_submissions(QUIZ)}
    expected = {s: grade_quiz_notebook(course, s, QUIZ, nbformat.read(course.submission(s, QUIZ), as_version=4)).score
                for s in stored}
    assert stored == pytest.approx(expected) and len(set(stored.values())) > 1

    graded = nbformat.read(course.autograded_notebook("dan", QUIZ), as_version=4)
    answers = [c for c in graded.cells if c.metadata.get("nbgrader", {}).get("grade")
               and c.metadata.nbgrader.get("solution")]
    assert answers and all("Explanation:" in c.outputs[0].text for c in answers)  # what feedback shows

    cache = course.judge_cache / QUIZ
    stamps = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.json")}
    assert len(stamps) == 4
    blank = nbformat.read(course.source_notebook(QUIZ), as_version=4)
    nbformat.write(blank, course.submission("dan", QUIZ))
    assert main(["--course", root, "quiz", "grade", QUIZ]) == 0  # the alias runs the same pipeline
    after = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.json")}
    assert {name for name in stamps if after[name] != stamps[name]} == {"dan.json"}
    with Gradebook(course.db_url) as gradebook:
        assert gradebook.find_submission(QUIZ, "dan").score == 0
    assert main(["--course", root, "grade", QUIZ, "--force"]) == 0
    forced = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.json")}
    assert all(forced[name] != after[name] for name in after)


@pytest.mark.slow
def test_an_invalid_bank_stops_grading_before_the_gradebook(small_class: Course, capsys) -> None:
    from grucourse.cli import main

    bank = small_class.question_bank / "lstm_vs_gru.yaml"
    bank.write_text(bank.read_text().replace("type: multiple", "type: several", 1))
    assert main(["--course", str(small_class.root), "grade", QUIZ]) == 1
    out = capsys.readouterr().out
    assert "grading stopped, the gradebook is unchanged" in out and "several" in out
    assert not small_class.judge_cache.exists() and not small_class.autograded.exists()
    with Gradebook(small_class.db_url) as gradebook:
        assert gradebook.assignments == []
