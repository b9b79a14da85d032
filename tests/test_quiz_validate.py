"""What a student learns before submitting a quiz, and what a bad answer costs.

Real `nbgrader validate` on the released quiz notebook names every answer the grader cannot
score (not a choice key, a bare name, a computation, an unreadable literal, not answered) and
says "Success" only when every answer is readable; the same answers graded for real (the quiz
engine and plain `nbgrader autograde`) cost only their own question.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from course_support import REPO
from quiz_support import drawn, key_value, own_notebook, raw_bank

from grucourse.course import Course
from grucourse.quiz.grade import grade_quiz_notebook
from grucourse.quiz.notebook import CHECK_CELL_ID
from grucourse.release import release_assignment

QUIZ = "quiz_introduction"
STUDENT = "alice"
HUGE_DIGITS = "1" * 5000
# answer source -> what the student must be told (a regular expression on the message)
MALFORMED = {
    '"e"': r"'e' is not one of the choice keys \"a\", \"b\", \"c\", \"d\"",
    "b": r"`b` is a name, write the key in quotes: \"b\"",
    "0.5 * 2": r"`0\.5 \* 2` is a computation",
    HUGE_DIGITS: r"more than 4300 digits",
    "10**10000": r"`10\*\*10000` is a computation",
    "[" * 250 + "]" * 250: r"too many nested parentheses",
    '"' + "x" * 150_000 + '"': r"the answer is 150002 characters long",
    "None": r"not answered yet",
}


@dataclass(frozen=True)
class Slot:
    """One answer cell of STUDENT's quiz: its id, the type of the question drawn there, its key."""

    id: str
    type: str
    key: str
    points: float = 1


def slots_of(course: Course, student: str) -> list[Slot]:
    bank = raw_bank(course)
    return [Slot(d.slot, bank[d.question]["type"], repr(key_value(bank[d.question], d)))
            for d in drawn(course, QUIZ, student)]


@pytest.fixture(scope="module")
def quiz(tmp_path_factory) -> tuple[Course, nbformat.NotebookNode, list[Slot]]:
    """The quiz released from the current generator in a course copy, with the course config,
    personalised for STUDENT as the fetch does."""
    from grucourse.pipeline.course_copy import copy_quiz_course
    from grucourse.quiz.build import write_quiz_sources

    course = copy_quiz_course(tmp_path_factory.mktemp("quiz_validate") / "course", REPO.root)
    shutil.copy2(REPO.root / "nbgrader_config.py", course.root / "nbgrader_config.py")
    write_quiz_sources(course)
    release_assignment(course, QUIZ)
    return course, own_notebook(course, QUIZ, STUDENT), slots_of(course, STUDENT)


def _answered(released: nbformat.NotebookNode, answers: dict[str, str]) -> nbformat.NotebookNode:
    """The student's notebook with `answer_<slot> = <source>` for each given slot."""
    nb = nbformat.from_dict(nbformat.reads(nbformat.writes(released), as_version=4))
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers and cell.metadata.nbgrader.get("solution"):
            cell.source = f"answer_{grade_id} = {answers[grade_id]}"
    return nb


def _validate(tmp_path: Path, nb: nbformat.NotebookNode) -> str:
    path = tmp_path / f"{QUIZ}.ipynb"
    nbformat.write(nb, path)
    run = subprocess.run([sys.executable, "-m", "nbgrader", "validate", str(path)], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)
    return run.stdout


def _unwrapped(text: str) -> str:
    """The validate report with the checker's wrapped lines joined again."""
    return re.sub(r"\n\s{6,}", " ", text)


def test_release_has_a_key_free_check_cell_worth_nothing(quiz) -> None:
    course, released, _ = quiz
    check = next(c for c in released.cells if c.metadata.get("nbgrader", {}).get("grade_id") == CHECK_CELL_ID)
    assert check.metadata.nbgrader["points"] == 0 and check.metadata.nbgrader["locked"]
    text = nbformat.writes(released)
    assert not any(q["explanation"].strip()[:40] in text for q in raw_bank(course).values())
    assert "checksum" not in str([c.metadata.nbgrader for c in released.cells if c.metadata.get("nbgrader", {}).get("solution")])


@pytest.mark.slow
def test_validate_says_success_only_when_every_answer_is_readable(quiz, tmp_path) -> None:
    _, released, questions = quiz
    output = _validate(tmp_path, _answered(released, {q.id: q.key for q in questions}))
    assert "Success! Your notebook passes all the tests." in output, output[-3000:]
    readable = {"single": '"a"', "multiple": '["a"]', "true_false": "False", "numeric": "1.0"}
    wrong = {q.id: readable[q.type] for q in questions}  # readable, maybe wrong
    assert "Success!" in _validate(tmp_path, _answered(released, wrong))


@pytest.mark.slow
def test_validate_names_each_malformed_or_missing_answer(quiz, tmp_path) -> None:
    """One notebook with a different fault in each single-choice question, then each fault alone."""
    _, released, questions = quiz
    singles = [(n, q) for n, q in enumerate(questions, 1) if q.type == "single"]
    for source, told in MALFORMED.items():
        number, question = singles[len(source) % len(singles)]
        answers = {q.id: q.key for q in questions} | {question.id: source}
        output = _unwrapped(_validate(tmp_path, _answered(released, answers)))
        assert "Success" not in output and "Partial credit" not in output, output[-3000:]
        line = next((text for text in output.splitlines() if f"question {number} ({question.id})" in text), "")
        assert re.search(told, line), f"{source[:30]!r}: {told!r} not in {line!r}\n{output[-3000:]}"
        others = [f"question {n} (" for n, q in enumerate(questions, 1) if q.id != question.id]
        assert not any(o in output for o in others), output[-3000:]


@pytest.mark.parametrize("source", list(MALFORMED), ids=lambda s: s[:12])
def test_a_bad_answer_costs_only_its_own_question(quiz, source: str) -> None:
    course, released, questions = quiz
    target = next(q for q in questions if q.type == "single")
    answers = {q.id: q.key for q in questions} | {target.id: source}
    result = grade_quiz_notebook(course, STUDENT, QUIZ, _answered(released, answers))
    assert result.cells[target.id].score == 0
    assert re.search(MALFORMED[source], result.cells[target.id].checks[0].message)
    assert all(result.cells[q.id].score == q.points for q in questions if q is not target), [
        c.feedback() for c in result.cells.values()]
    assert len(result.cells[target.id].feedback()) < 3000


def test_one_absurd_literal_in_a_cell_of_all_answers_costs_only_its_question(quiz) -> None:
    """Every answer typed into one cell, one of them a 5000-digit number: the cell does not parse,
    yet the other answers in it still count."""
    course, released, questions = quiz
    nb = _answered(released, {})
    lines = [f"answer_{q.id} = {HUGE_DIGITS if i == 1 else q.key}" for i, q in enumerate(questions)]
    nb.cells.append(nbformat.v4.new_code_cell("\n".join(lines)))
    result = grade_quiz_notebook(course, STUDENT, QUIZ, nb)
    assert [result.cells[q.id].score for q in questions] == [0 if i == 1 else q.points for i, q in enumerate(questions)]
    assert any("more than 4300 digits" in p for p in result.problems), result.problems


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_plain_nbgrader_autograde_loses_only_the_absurd_answer(quiz) -> None:
    from nbgrader.api import Gradebook

    course, released, questions = quiz
    students = {"good": {}, "digits": {questions[0].id: HUGE_DIGITS}, "nested": {questions[1].id: "[" * 300 + "]" * 300}}
    for student, bad in students.items():
        path = course.submission(student, QUIZ)
        path.parent.mkdir(parents=True, exist_ok=True)
        answers = {q.id: q.key for q in slots_of(course, student)} | bad
        nbformat.write(_answered(own_notebook(course, QUIZ, student), answers), path)
    for command in ("generate_assignment", "autograde"):  # generate_assignment fills the gradebook
        run = subprocess.run([sys.executable, "-m", "nbgrader", command, QUIZ, "--force"], cwd=course.root,
                             capture_output=True, text=True, timeout=500)
    output = run.stdout + run.stderr
    assert run.returncode == 0 and "Traceback" not in output, output[-3000:]
    total = sum(q.points for q in questions)
    with Gradebook(course.db_url) as gradebook:
        scores = {s: gradebook.find_submission(QUIZ, s).score for s in students}
    assert scores == {"good": total, "digits": total - questions[0].points, "nested": total - questions[1].points}
