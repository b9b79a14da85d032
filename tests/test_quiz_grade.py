"""Quiz notebooks carry no key; grading reads literal answers only and never runs them."""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
import numpy as np
import pytest
from course_support import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from quiz_support import answer_cells, drawn, filled, key_answers, own_notebook, raw_bank

from grucourse.course import Course
from grucourse.quiz.bank import load_bank
from grucourse.quiz.build import write_quiz_sources
from grucourse.quiz.checks import check_answer
from grucourse.quiz.draw import VIEW_FILE
from grucourse.quiz.grade import current_quiz, grade_quiz_notebook
from grucourse.quiz.simulate import make_quiz_submission

QUIZZES = ("quiz_introduction", "quiz_lstm_vs_gru")


@pytest.mark.parametrize("assignment", QUIZZES)
@pytest.mark.parametrize("student", ["alice", "bob", "s17", "x.y-z"])
def test_key_from_the_yaml_scores_full_marks(quiz_course: Course, assignment: str, student: str) -> None:
    quiz = current_quiz(quiz_course, assignment)
    nb = filled(quiz_course, assignment, key_answers(quiz_course, assignment, student), student)
    result = grade_quiz_notebook(quiz_course, student, assignment, nb)
    assert result.max_score == sum(s.points for s in quiz.slots) > 0
    assert result.score == result.max_score, [c.feedback() for c in result.cells.values()]
    assert set(result.cells) == {s.id for s in quiz.slots}
    assert result.problems == []


@pytest.mark.parametrize("assignment", QUIZZES)
def test_unanswered_and_all_wrong_score_zero(quiz_course: Course, assignment: str) -> None:
    blank = own_notebook(quiz_course, assignment, "bob")
    assert grade_quiz_notebook(quiz_course, "bob", assignment, blank).score == 0
    for seed in range(5):
        wrong = make_quiz_submission(quiz_course, assignment, "bob", np.random.default_rng(seed), accuracy=0.0)
        result = grade_quiz_notebook(quiz_course, "bob", assignment, wrong)
        assert result.score == 0 and result.max_score > 0
        assert all("is not" in c.checks[0].message for c in result.cells.values())


@pytest.mark.parametrize("assignment", QUIZZES)
def test_generated_notebooks_hold_no_key(quiz_course: Course, assignment: str) -> None:
    bank = raw_bank(quiz_course)
    quiz = current_quiz(quiz_course, assignment)
    source = nbformat.read(quiz_course.source_notebook(assignment), as_version=4)
    view = (quiz_course.source_notebook(assignment).parent / VIEW_FILE).read_text()
    for nb in (source, own_notebook(quiz_course, assignment, "alice")):
        nbformat.validate(nb)
        cells = answer_cells(nb)
        assert list(cells) == [s.id for s in quiz.slots]
        for slot in quiz.slots:
            assert cells[slot.id].source == f"answer_{slot.id} = None"
            assert cells[slot.id].metadata["nbgrader"] == {
                "grade": True, "grade_id": slot.id, "locked": False, "points": slot.points,
                "schema_version": 3, "solution": True, "task": False}
    for text in (json.dumps(source), json.dumps(own_notebook(quiz_course, assignment, "alice")), view):
        for question in quiz.questions:
            assert bank[question.id]["explanation"].strip()[:40] not in text
            formula = bank[question.id].get("params", {}).get("formula", "")
            if len(formula) > 8:  # a short one ("1 - z") may be part of another prompt
                assert formula not in text
        assert '"answer"' not in text and "formula" not in text and "explanation" not in text


def test_sources_are_deterministic_and_match_the_repository(quiz_course: Course) -> None:
    def written(course: Course) -> dict[str, bytes]:
        return {f"{a}/{p.name}": p.read_bytes() for a in QUIZZES for p in sorted(course.source_notebook(a).parent.iterdir())}

    first = written(quiz_course)
    write_quiz_sources(quiz_course)
    assert written(quiz_course) == first
    assert written(REPO) == first, "run grucourse quiz build"
    for assignment in QUIZZES:
        assert (REPO.release_notebook(assignment).parent / VIEW_FILE).read_bytes() == first[f"{assignment}/{VIEW_FILE}"]


def test_hostile_answer_cells_are_never_executed(quiz_course: Course, tmp_path: Path) -> None:
    canary = tmp_path / "canary"
    payloads = [
        f"answer_{{id}} = __import__('pathlib').Path({str(canary)!r}).touch()",
        f"import os\nos.system('touch {canary}')\nanswer_{{id}} = 'b'",
        f"answer_{{id}} = [open({str(canary)!r}, 'w')]",
        "class Evil(str):\n    def __eq__(self, other): return True\nanswer_{id} = Evil('b')",
        f"%system touch {canary}\nanswer_{{id}} = (lambda: 1)()",
        "answer_{id} = 9 ** 9 ** 9 ** 9",
    ]
    quiz = current_quiz(quiz_course, "quiz_introduction")
    for payload in payloads:
        answers = {s.id: payload.format(id=s.id) for s in quiz.slots}
        nb = filled(quiz_course, "quiz_introduction", answers, "eve")
        result = grade_quiz_notebook(quiz_course, "eve", "quiz_introduction", nb)
        assert not canary.exists()
        assert result.score <= sum(1 for k in key_answers(quiz_course, "quiz_introduction", "eve").values()
                                   if k.endswith("= 'b'")), payload
        if "touch()" in payload or "Evil" in payload or "lambda" in payload:
            assert result.score == 0
            assert all('answers must be literal values, e.g. "b" or 0.25' in c.checks[0].message
                       for c in result.cells.values())


def test_malformed_answers_give_a_clear_zero_and_the_rest_is_graded(quiz_course: Course) -> None:
    student = "carol"
    slots = drawn(quiz_course, "quiz_introduction", student)
    keys = key_answers(quiz_course, "quiz_introduction", student)
    single = next(d.slot for d in slots if raw_bank(quiz_course)[d.question]["type"] == "single")
    first, third, fourth = [d.slot for d in slots if d.slot != single][:3]
    answers = {
        first: f"answer_{first} = 'b\n",                      # unterminated string
        single: f"answer_{single} = 'q'",                     # not a choice key
        fourth: keys[fourth],
    }
    result = grade_quiz_notebook(quiz_course, student, "quiz_introduction",
                                 filled(quiz_course, "quiz_introduction", answers, student))
    messages = {gid: c.checks[0].message for gid, c in result.cells.items()}
    assert "syntax error" in messages[first] and result.cells[first].score == 0
    assert "'q' is not one of the choice keys" in messages[single]
    assert "not answered" in messages[third]
    assert result.cells[fourth].score == result.cells[fourth].max_score
    assert any("syntax error" in p for p in result.problems)
    explanation = raw_bank(quiz_course)[next(d.question for d in slots if d.slot == first)]["explanation"]
    assert explanation.strip()[:30] in messages[first]


def _single_slot(course: Course, student: str) -> tuple[str, str]:
    """(slot, shown key) of the first single-choice question `student` was given."""
    bank = raw_bank(course)
    slot = next(d for d in drawn(course, "quiz_introduction", student) if bank[d.question]["type"] == "single")
    return slot.slot, chr(ord("a") + slot.order.index(bank[slot.question]["answer"]))


@pytest.mark.parametrize("spelling,ok", [
    ("{k!r}", True), ("{K!r}", True), ("' {k} '", True), ("[{k!r}]", True), ("{other!r}", False), ("2", False),
    ("None", False),
])
def test_single_choice_normalisation(quiz_course: Course, spelling: str, ok: bool) -> None:
    slot, key = _single_slot(quiz_course, "dan")
    other = "a" if key != "a" else "b"
    given = spelling.format(k=key, K=key.upper(), other=other)
    result = grade_quiz_notebook(quiz_course, "dan", "quiz_introduction", filled(
        quiz_course, "quiz_introduction", {slot: f"answer_{slot} = {given}"}, "dan"))
    assert (result.cells[slot].score == 1) is ok


def test_normalisation_of_multiple_true_false_and_numeric() -> None:
    bank = {q.id: q for q in load_bank(REPO)}
    multiple, tf, numeric = bank["chung_tasks"], bank["gru_no_output_gate"], bank["gru_lstm_param_ratio"]
    assert multiple.scoring == "all_or_nothing" and multiple.answer == ["a", "d"]
    assert check_answer(multiple, ["D", " a"], multiple.answer)[0] == 1
    assert check_answer(multiple, "a, d", multiple.answer)[0] == 1
    assert not check_answer(multiple, ["a"], multiple.answer)[0]
    assert not check_answer(multiple, ["a", "b", "d"], multiple.answer)[0]
    assert check_answer(tf, "true", True)[0] and check_answer(tf, True, True)[0]
    assert not check_answer(tf, 1, True)[0] and not check_answer(tf, False, True)[0]
    assert check_answer(numeric, 0.7504, 0.75)[0] and check_answer(numeric, "0.75", 0.75)[0]
    assert not check_answer(numeric, 0.752, 0.75)[0] and not check_answer(numeric, True, 0.75)[0]
    assert not check_answer(numeric, 10 ** 400, 0.75)[0] and not check_answer(numeric, float("nan"), 0.75)[0]


def test_last_assignment_wins_across_cells(quiz_course: Course) -> None:
    slot, key = _single_slot(quiz_course, "x")
    wrong = "a" if key != "a" else "b"
    nb = filled(quiz_course, "quiz_introduction", {slot: f"answer_{slot} = {wrong!r}"}, "x")
    nb.cells.append(nbformat.v4.new_code_cell(f"answer_{slot} = {key!r}"))
    assert grade_quiz_notebook(quiz_course, "x", "quiz_introduction", nb).cells[slot].score == 1


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
    st.builds(lambda v: f"answer_vanishing = {v!r}",
              st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
                           lambda inner: st.lists(inner, max_size=3) | st.tuples(inner, inner), max_leaves=6)),
), max_size=6))
def test_any_cell_text_gives_a_score_never_an_exception(quiz_course: Course, sources: list[str]) -> None:
    nb = own_notebook(quiz_course, "quiz_introduction", "fuzz")
    nb.cells += [nbformat.v4.new_code_cell(s) for s in sources]
    result = grade_quiz_notebook(quiz_course, "fuzz", "quiz_introduction", nb)
    assert 0 <= result.score <= result.max_score == 7
    assert all(c.score in (0, c.max_score) and c.checks[0].message for c in result.cells.values())
