"""`scoring: partial` on multiple-answer questions: right minus wrong picks over the right choices."""
from __future__ import annotations

import pytest
from course_support import REPO

from grucourse.course import Course
from grucourse.quiz.bank import load_bank
from grucourse.quiz.build import write_quiz_sources
from grucourse.quiz.checks import check_answer
from grucourse.quiz.draw import public_view
from grucourse.quiz.errors import InvalidBank
from grucourse.quiz.grade import current_quiz, grade_quiz_notebook
from grucourse.quiz.notebook import quiz_notebook
from grucourse.quiz.personalise import personalise

BANK = {q.id: q for q in load_bank(REPO)}
GATES = BANK["lstm_gate_names"]  # right: a, b, c (input, forget, output); wrong: d, e (reset, update)

# (picks, share of the points): max(0, (right - wrong) / 3)
CREDIT = [
    (["a", "b", "c"], 1.0),
    (["c", "a"], 2 / 3),
    (["b"], 1 / 3),
    (["a", "b", "c", "d"], 2 / 3),
    (["a", "b", "d"], 1 / 3),
    (["a", "b", "c", "d", "e"], 1 / 3),
    (["a", "d"], 0.0),
    (["a", "d", "e"], 0.0),  # -1/3 is clamped to zero
    (["d", "e"], 0.0),
    ([], 0.0),
]


def test_the_bank_uses_partial_credit_where_each_choice_is_its_own_fact() -> None:
    assert GATES.scoring == "partial" and GATES.answer == ["a", "b", "c"] and len(GATES.choices) == 5
    assert BANK["vanishing_gradient_statements"].scoring == "partial"


@pytest.mark.parametrize("picks,credit", CREDIT, ids=["".join(p) or "none" for p, _ in CREDIT])
def test_right_minus_wrong_over_right_choices(picks: list[str], credit: float) -> None:
    got, message = check_answer(GATES, picks, GATES.answer)
    assert got == pytest.approx(credit)
    if credit < 1:
        right, wrong = len(set(picks) & {"a", "b", "c"}), len(set(picks) - {"a", "b", "c"})
        assert f"{right} of the 3 right choices picked and {wrong} wrong pick" in message


def test_feedback_counts_picks_and_names_no_key_the_student_did_not_pick() -> None:
    _, message = check_answer(GATES, ["a", "e"], GATES.answer)
    assert '"a", "e": 1 of the 3 right choices picked and 1 wrong pick' in message
    assert '"b"' not in message and '"c"' not in message and '"d"' not in message


def test_unreadable_picks_still_score_zero() -> None:
    assert check_answer(GATES, ["a", "z"], GATES.answer)[0] == 0
    assert check_answer(GATES, "a b", GATES.answer)[0] == pytest.approx(2 / 3)
    assert check_answer(GATES, 3, GATES.answer)[0] == 0


def test_a_quiz_scores_partial_points_and_tells_students_the_rule(quiz_course: Course) -> None:
    (quiz_course.quizzes / "quiz_partial.yaml").write_text(
        "title: Partial\nquestions: [lstm_gate_names, chung_tasks, vanishing_gradient_statements]\n")
    # Fixed questions keep the bank's order, where "always a" beats guessing: building refuses it.
    with pytest.raises(InvalidBank, match="quiz_partial.yaml:1: file: answer cue: 'always a' scores"):
        write_quiz_sources(quiz_course)
    quiz = current_quiz(quiz_course, "quiz_partial")
    nb = personalise(quiz_notebook(quiz), public_view(quiz), "ann")
    prompts = {c.id: c.source for c in nb.cells if c.cell_type == "markdown"}
    assert "Partial credit" in prompts["lstm_gate_names-prompt"]
    assert "Partial credit" not in prompts["chung_tasks-prompt"]
    answers = {"lstm_gate_names": '["a", "b", "e"]', "chung_tasks": '["a"]', "vanishing_gradient_statements": '["a"]'}
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = f"answer_{grade_id} = {answers[grade_id]}"
    result = grade_quiz_notebook(quiz_course, "ann", "quiz_partial", nb)
    points = {qid: BANK[qid].points for qid in answers}
    assert result.cells["lstm_gate_names"].score == pytest.approx(points["lstm_gate_names"] / 3)
    assert result.cells["chung_tasks"].score == 0  # all_or_nothing: one of two right keys earns nothing
    assert result.cells["vanishing_gradient_statements"].score == pytest.approx(points["vanishing_gradient_statements"] / 2)
    check = result.cells["lstm_gate_names"].checks[0]
    assert not check.passed and "2 of the 3 right choices picked and 1 wrong pick" in check.message
