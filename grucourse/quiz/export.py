"""`grucourse quiz export`: the whole bank, key included on purpose, in a self-check format."""
from __future__ import annotations

from collections.abc import Callable

from grucourse.course import Course
from grucourse.quiz.bank import load_bank
from grucourse.quiz.model import Question

FORMATS = ("jupyterquiz", "moodle", "gift")


def renderer(fmt: str) -> Callable[[list[Question]], str]:
    """The function turning questions into text for `fmt` (one module per format)."""
    if fmt == "jupyterquiz":
        from grucourse.quiz.export_jupyterquiz import render
    elif fmt == "moodle":
        from grucourse.quiz.export_moodle import render
    elif fmt == "gift":
        from grucourse.quiz.export_gift import render
    else:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return render


def export_text(course: Course, fmt: str) -> str:
    """The validated bank in `fmt`; numeric variants are shown with their first values."""
    return renderer(fmt)(load_bank(course))


def numeric_range(question: Question) -> tuple[float, float]:
    """Accepted interval of a numeric question (its example variant)."""
    tolerance = question.tolerance or 0.0
    return question.answer - tolerance, question.answer + tolerance


def percent_text(percent: float) -> str:
    """A grade percentage as Moodle writes it: five decimals at most (33.33333, 50, 100)."""
    return f"{percent:.5f}".rstrip("0").rstrip(".")


def is_correct_choice(question: Question, key: str) -> bool:
    answer = question.answer
    return key in answer if isinstance(answer, list) else key == answer


def choice_percent(question: Question, key: str) -> float:
    """The grade in % a choice carries, as Moodle XML fractions and GIFT weights give it.

    Single: 100 or 0. Multiple: 100/n for each of the n right choices; a wrong one -100/n with
    `scoring: partial`, so Moodle's sum (a negative total counts as zero) is right minus wrong
    picks over n, as graded here. Moodle's core multiple-answer question cannot say
    all-or-nothing: there a wrong one weighs -100, so any wrong pick scores zero, but missing
    right picks still earn their shares (https://docs.moodle.org/en/Multiple_Choice_question_type).
    """
    if question.type == "single":
        return 100.0 if is_correct_choice(question, key) else 0.0
    share = 100 / len(question.answer)
    if is_correct_choice(question, key):
        return share
    return -share if question.scoring == "partial" else -100.0
