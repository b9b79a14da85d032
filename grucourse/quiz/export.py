"""`grucourse quiz export`: the whole bank, key included on purpose, in a self-check format."""
from __future__ import annotations

from typing import Callable

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
