"""Quiz notebooks carry no key; grading reads literal answers only and never runs them."""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grucourse.course import Course
from grucourse.quiz.bank import load_bank
from grucourse.quiz.build import write_quiz_sources
from grucourse.quiz.checks import check_answer
from grucourse.quiz.grade import current_quiz, grade_quiz_notebook
from grucourse.quiz.simulate import make_quiz_submission
from grucourse.quiz.variants import student_values
from course_support import REPO

QUIZZES = ("quiz_introduction", "quiz_lstm_vs_gru")


def raw_bank() -> dict[str, dict]:
    """The key straight from the YAML files, independent of the bank model."""
    return {q["id"]: q for path in REPO.question_bank.glob("*.yaml") for q in yaml.safe_load(path.read_text())}


def answer_cells(nb: nbformat.NotebookNode) -> dict[str, nbformat.NotebookNode]:
    """Graded solution cells (the 0-point check cell is graded but locked: tests/test_quiz_validate.py)."""
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")
            and c.metadata["nbgrader"].get("solution")}


def filled(course: Course, assignment: str, answers: dict[str, str], student_id: str = "") -> nbformat.NotebookNode:
    nb = nbformat.read(course.source_notebook(assignment), as_version=4)
    for gid, cell in answer_cells(nb).items():
        if gid in answers:
            cell.source = answers[gid]
    for cell in nb.cells:
        cell.source = cell.source.replace('STUDENT_ID = ""', f"STUDENT_ID = {student_id!r}")
    return nb


def key_source(qid: str, question: dict, values: dict) -> str:
    if question.get("params"):
        expr = question["params"]["formula"]
        return f"answer_{qid} = {eval(expr, {}, dict(values))!r}"
    return f"answer_{qid} = {question['answer']!r}"


@pytest.mark.parametrize("assignment", QUIZZES)
def test_key_from_the_yaml_scores_full_marks(quiz_course: Course, assignment: str) -> None:
    bank, quiz = raw_bank(), current_quiz(quiz_course, assignment)
    student = "alice"
    answers = {q.id: key_source(q.id, bank[q.id], student_values(q, student)) for q in quiz.questions}
    result = grade_quiz_notebook(quiz_course, student, assignment, filled(quiz_course, assignment, answers, student))
    assert result.max_score == sum(bank[q.id]["points"] for q in quiz.questions) > 0
    assert result.score == result.max_score, [c.feedback() for c in result.cells.values()]
    assert set(result.cells) == {q.id for q in quiz.questions}
    assert result.problems == []


@pytest.mark.parametrize("assignment", QUIZZES)
def test_unanswered_and_all_wrong_score_zero(quiz_course: Course, assignment: str) -> None:
    blank = nbformat.read(quiz_course.source_notebook(assignment), as_version=4)
    assert grade_quiz_notebook(quiz_course, "bob", assignment, blank).score == 0
    for seed in range(5):
        wrong = make_quiz_submission(quiz_course, assignment, "bob", np.random.default_rng(seed), accuracy=0.0)
        result = grade_quiz_notebook(quiz_course, "bob", assignment, wrong)
        assert result.score == 0 and result.max_score > 0
        assert all("is not" in c.checks[0].message for c in result.cells.values())


@pytest.mark.parametrize("assignment", QUIZZES)
def test_generated_notebooks_hold_no_key(quiz_course: Course, assignment: str) -> None:
    nb = nbformat.read(quiz_course.source_notebook(assignment), as_version=4)
    nbformat.validate(nb)
    bank = raw_bank()
    cells = answer_cells(nb)
    quiz = current_quiz(quiz_course, assignment)
    assert list(cells) == [q.id for q in quiz.questions]
    for qid, cell in cells.items():
        assert cell.source == f"answer_{qid} = None"
        assert cell.metadata["nbgrader"] == {"grade": True, "grade_id": qid, "locked": False, "points": bank[qid]["points"],
                                             "schema_version": 3, "solution": True, "task": False}
    text = json.dumps(nb)
    for qid in cells:
        assert bank[qid]["explanation"].strip()[:40] not in text
    assert '"answer"' not in text and "formula" not in text


def test_sources_are_deterministic_and_match_the_repository(quiz_course: Course) -> None:
    first = {a: quiz_course.source_notebook(a).read_bytes() for a in QUIZZES}
    write_quiz_sources(quiz_course)
    assert {a: quiz_course.source_notebook(a).read_bytes() for a in QUIZZES} == first
    assert {a: REPO.source_notebook(a).read_bytes() for a in QUIZZES} == first, "run grucourse quiz build"


def test_hostile_answer_cells_are_never_executed(quiz_course: Course, tmp_path: Path) -> None:
    canary = tmp_path / "canary"
    payloads = [
        f"answer_{{id}} = __import__('pathlib').Path({str(canary)!r}).touch()",
        f"import os\nos.system('touch {canary}')\nanswer_{{id}} = 'b'",
        f"answer_{{id}} = [open({str(canary)!r}, 'w')]",
        f"class Evil(str):\n    def __eq__(self, other): return True\nanswer_{{id}} = Evil('b')",
        f"%system touch {canary}\nanswer_{{id}} = (lambda: 1)()",
        "answer_{id} = 9 ** 9 ** 9 ** 9",
    ]
    quiz = current_quiz(quiz_course, "quiz_introduction")
    for payload in payloads:
        answers = {q.id: payload.format(id=q.id) for q in quiz.questions}
        nb = filled(quiz_course, "quiz_introduction", answers)
        result = grade_quiz_notebook(quiz_course, "eve", "quiz_introduction", nb)
        assert not canary.exists()
        assert result.score <= sum(q.points for q in quiz.questions if q.answer == "b"), payload
        if "touch()" in payload or "Evil" in payload or "lambda" in payload:
            assert result.score == 0
            assert all('answers must be literal values, e.g. "b" or 0.25' in c.checks[0].message
                       for c in result.cells.values())


def test_malformed_answers_give_a_clear_zero_and_the_rest_is_graded(quiz_course: Course) -> None:
    quiz = current_quiz(quiz_course, "quiz_introduction")
    first, second, third, fourth = [q.id for q in quiz.questions]
    right = {q.id: f"answer_{q.id} = {q.answer!r}" for q in quiz.questions if not q.params}
    answers = {
        first: f"answer_{first} = 'b\n",                      # unterminated string
        second: f"answer_{second} = 'q'",                     # not a choice key
        fourth: right[fourth],
    }
    result = grade_quiz_notebook(quiz_course, "carol", "quiz_introduction", filled(quiz_course, "quiz_introduction", answers))
    messages = {gid: c.checks[0].message for gid, c in result.cells.items()}
    assert "syntax error" in messages[first] and result.cells[first].score == 0
    assert "'q' is not one of the choice keys" in messages[second]
    assert "not answered" in messages[third]
    assert result.cells[fourth].score == result.cells[fourth].max_score
    assert any("syntax error" in p for p in result.problems)
    assert quiz.questions[0].explanation.strip()[:30] in messages[first]


@pytest.mark.parametrize("given,ok", [
    ('"B"', True), ('" b "', True), ('["b"]', True), ('"c"', False), ("2", False), ("None", False),
])
def test_single_choice_normalisation(quiz_course: Course, given: str, ok: bool) -> None:
    result = grade_quiz_notebook(quiz_course, "dan", "quiz_introduction", filled(
        quiz_course, "quiz_introduction", {"vanishing_gradient_cause": f"answer_vanishing_gradient_cause = {given}"}))
    assert (result.cells["vanishing_gradient_cause"].score == 1) is ok


def test_normalisation_of_multiple_true_false_and_numeric() -> None:
    bank = {q.id: q for q in load_bank(REPO)}
    multiple, tf, numeric = bank["chung_tasks"], bank["gru_no_output_gate"], bank["gru_lstm_param_ratio"]
    assert multiple.scoring == "all_or_nothing" and multiple.answer == ["a", "b"]
    assert check_answer(multiple, ["B", " a"], multiple.answer)[0] == 1
    assert check_answer(multiple, "a, b", multiple.answer)[0] == 1
    assert not check_answer(multiple, ["a"], multiple.answer)[0]
    assert not check_answer(multiple, ["a", "b", "c"], multiple.answer)[0]
    assert check_answer(tf, "true", True)[0] and check_answer(tf, True, True)[0]
    assert not check_answer(tf, 1, True)[0] and not check_answer(tf, False, True)[0]
    assert check_answer(numeric, 0.7504, 0.75)[0] and check_answer(numeric, "0.75", 0.75)[0]
    assert not check_answer(numeric, 0.752, 0.75)[0] and not check_answer(numeric, True, 0.75)[0]
    assert not check_answer(numeric, 10 ** 400, 0.75)[0] and not check_answer(numeric, float("nan"), 0.75)[0]


def test_last_assignment_wins_across_cells(quiz_course: Course) -> None:
    nb = filled(quiz_course, "quiz_introduction", {"vanishing_gradient_cause": 'answer_vanishing_gradient_cause = "a"'})
    nb.cells.append(nbformat.v4.new_code_cell('answer_vanishing_gradient_cause = "b"'))
    assert grade_quiz_notebook(quiz_course, "x", "quiz_introduction", nb).cells["vanishing_gradient_cause"].score == 1


def test_variant_answer_of_another_id_scores_zero_with_a_message(quiz_course: Course) -> None:
    question = next(q for q in current_quiz(quiz_course, "quiz_lstm_vs_gru").questions if q.params)
    students = [f"s{i}" for i in range(40)]
    keys = {s: 3 * student_values(question, s)["h"] * (student_values(question, s)["d"] + student_values(question, s)["h"] + 1)
            for s in students}
    mine, other = "s0", next(s for s in students if keys[s] != keys["s0"])
    assert len(set(keys.values())) > 5, "variants must differ between students"

    def grade(typed: str, value: float) -> tuple[float, str]:
        nb = filled(quiz_course, "quiz_lstm_vs_gru", {question.id: f"answer_{question.id} = {value}"}, typed)
        cell = grade_quiz_notebook(quiz_course, mine, "quiz_lstm_vs_gru", nb).cells[question.id]
        return cell.score, cell.checks[0].message

    assert grade(mine, keys[mine])[0] == question.points
    assert grade("", keys[mine])[0] == question.points
    score, message = grade(other, keys[other])
    assert score == 0 and f"STUDENT_ID = {other!r}" in message and "use your own id" in message


def test_simulated_accuracy_is_respected(quiz_course: Course) -> None:
    rng = np.random.default_rng(1)
    results = [grade_quiz_notebook(quiz_course, f"s{i}", "quiz_lstm_vs_gru",
                                   make_quiz_submission(quiz_course, "quiz_lstm_vs_gru", f"s{i}", rng, accuracy))
               for accuracy in (1.0, 0.5) for i in range(40)]
    full = [r.score == r.max_score for r in results]
    assert all(full[:40]) and 0 < sum(full[40:]) < 40


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sources=st.lists(st.one_of(
    st.text(max_size=80),
    st.builds(lambda v: f"answer_vanishing_gradient_cause = {v!r}",
              st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
                           lambda inner: st.lists(inner, max_size=3) | st.tuples(inner, inner), max_leaves=6)),
), max_size=6))
def test_any_cell_text_gives_a_score_never_an_exception(quiz_course: Course, sources: list[str]) -> None:
    nb = nbformat.read(quiz_course.source_notebook("quiz_introduction"), as_version=4)
    nb.cells += [nbformat.v4.new_code_cell(s) for s in sources]
    result = grade_quiz_notebook(quiz_course, "fuzz", "quiz_introduction", nb)
    assert 0 <= result.score <= result.max_score == 4
    assert all(c.score in (0, c.max_score) and c.checks[0].message for c in result.cells.values())
