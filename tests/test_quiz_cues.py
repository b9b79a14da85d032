"""Answer cues: blind strategies score at chance on every quiz, and the validator refuses a bank
whose keys give themselves away by length, position or true/false value."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from course_support import REPO
from quiz_support import raw_bank

from grucourse.course import Course
from grucourse.quiz.bank import validate_all
from grucourse.quiz.cues import STRATEGIES, STRATEGY_MARGIN, bank_cues, quiz_cues, report
from grucourse.quiz.draw import draw_for

QUIZZES = ("quiz_introduction", "quiz_lstm_vs_gru")
STUDENTS = 3000


@pytest.mark.parametrize("assignment", QUIZZES)
def test_blind_strategies_score_at_chance_or_below(assignment: str) -> None:
    """Played over 3000 student ids, each on their own draw: "always the longest choice", "always
    a", "always True" and "always False" earn no more than random guessing (plus 2 % of the
    points, the sampling noise of 3000 students is about 0.5 %)."""
    _, quizzes, errors = validate_all(REPO)
    assert errors == []
    quiz = next(q for q in quizzes if q.name == assignment)
    cues = quiz_cues(quiz, STUDENTS)
    assert set(cues.strategies) == set(STRATEGIES)
    for name, score in cues.strategies.items():
        assert score <= cues.chance + STRATEGY_MARGIN * quiz.points, (name, score, cues.chance)
    assert cues.problems() == []


def test_strategies_are_scored_independently_of_the_cue_module() -> None:
    """"Always a" recomputed from the YAML: its share equals the share of drawn keys shown as a."""
    _, quizzes, _ = validate_all(REPO)
    quiz = next(q for q in quizzes if q.name == "quiz_introduction")
    bank = raw_bank(REPO)
    earned = 0.0
    for n in range(STUDENTS):
        for d in draw_for(quiz, f"student{n:04d}"):
            question = bank[d.question]
            if question["type"] == "single":
                earned += d.order[0] == question["answer"]
            elif question["type"] == "true_false":
                earned += question["answer"] is True
            elif question["type"] == "multiple" and d.order[0] in question["answer"]:
                keys = len(question["answer"])
                earned += 1 / keys if question.get("scoring") == "partial" else float(keys == 1)
    assert earned / STUDENTS == pytest.approx(quiz_cues(quiz, STUDENTS).strategies["always a"], abs=1e-9)


def test_the_repository_bank_has_no_length_position_or_true_false_cue() -> None:
    questions, quizzes, errors = validate_all(REPO, cues=True)
    assert errors == []
    for pool in bank_cues(questions):
        assert pool.problems() == []
        assert pool.longest_share <= 0.35 and max(pool.positions.values()) <= 0.40
        assert 0.3 <= pool.true_share <= 0.7
    text = report(questions, quizzes, 200)
    assert "always the longest choice" in text and "introduction" in text


def _biased_course(tmp_path: Path, longest: bool) -> Course:
    """A pool of four single-choice questions whose key is b; the longest choice if `longest`."""
    bank = []
    for n in range(4):
        key_text = "the right one, written out at much greater length" if longest else "right"
        bank.append({"id": f"q{n}", "type": "single", "prompt": f"Question {n}?",
                     "choices": {"a": "wrong", "b": key_text, "c": "also wrong", "d": "not it"},
                     "answer": "b", "explanation": "Because.", "points": 1, "source": "Somebody 2014 (for this)",
                     "topic": "t"})
    (tmp_path / "question_bank").mkdir()
    (tmp_path / "question_bank" / "pool.yaml").write_text(yaml.safe_dump(bank, sort_keys=False))
    (tmp_path / "quizzes").mkdir()
    (tmp_path / "quizzes" / "quiz_x.yaml").write_text("title: X\nslots:\n  - {id: one, pool: pool, topic: t}\n")
    return Course.at(tmp_path)


def test_validator_refuses_a_length_and_position_cue(tmp_path: Path) -> None:
    course = _biased_course(tmp_path, longest=True)
    assert validate_all(course)[2] == []  # grading does not measure cues
    messages = [e.message for e in validate_all(course, cues=True)[2]]
    assert any("100% of the single-choice keys are the longest choice (chance 25%, at most 35%)" in m
               for m in messages), messages
    assert any("100% of the choice keys are 'b' (at most 40%)" in m for m in messages), messages
    assert any("'always the longest choice' scores" in m for m in messages), messages
    assert not any("'always a' scores" in m for m in messages), "shuffled: 'always a' is at chance"


def test_validator_refuses_a_true_false_cue(tmp_path: Path) -> None:
    course = _biased_course(tmp_path, longest=False)
    bank = yaml.safe_load((course.question_bank / "pool.yaml").read_text())
    bank += [{"id": f"tf{n}", "type": "true_false", "prompt": f"Statement {n}.", "answer": True,
              "explanation": "So.", "points": 1, "source": "Somebody 2014 (for this)", "topic": "t"} for n in range(3)]
    (course.question_bank / "pool.yaml").write_text(yaml.safe_dump(bank, sort_keys=False))
    messages = [e.message for e in validate_all(course, cues=True)[2]]
    assert any("100% of the true/false answers are True" in m for m in messages), messages
    assert any("'always True' scores" in m for m in messages), messages
