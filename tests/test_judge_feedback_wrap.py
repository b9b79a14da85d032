"""Hints in graded notebooks are wrapped, so formgrader and the feedback pages show them whole."""
from __future__ import annotations

from grucourse.grading.preprocessors import FEEDBACK_WIDTH, _graded_outputs, wrap_feedback
from grucourse.results import CellResult, CheckResult

HINT = ("the update gate has the opposite role (Cho et al./PyTorch convention); in this course Z close "
        "to 1 takes the candidate, so H_t = (1 - Z_t) * H_prev + Z_t * H_tilde")


def test_long_hint_lines_wrap_without_losing_a_word() -> None:
    cell = CellResult("hidden_state_tests", 0.0, 2.0, [CheckResult("hidden_state matches the course equations", False,
                                                                   1.0, HINT)])
    text = _graded_outputs(cell, ["student/a/a.ipynb: graded cell 'x' was deleted"])[0]["text"]
    lines = text.splitlines()
    assert max(map(len, lines)) <= FEEDBACK_WIDTH
    assert " ".join(text.split()) == " ".join(wrap_feedback(text).split())
    assert " ".join(HINT.split()) in " ".join(text.split())
    continuation = lines[lines.index(next(line for line in lines if "[FAIL]" in line)) + 1]
    assert continuation.startswith(" " * 6) and not continuation.strip().startswith("[")


def test_short_lines_and_unbreakable_words_stay_as_they_are() -> None:
    assert wrap_feedback("a: 1 / 2 points\n  [PASS] short\n") == "a: 1 / 2 points\n  [PASS] short\n"
    word = "x" * (FEEDBACK_WIDTH + 20)
    assert wrap_feedback(f"  [FAIL] {word}") == f"  [FAIL]\n      {word}"
