"""`grucourse quiz export`: the bank, key included on purpose, for an LMS or for self-check.

For an LMS (Moodle XML, GIFT, Canvas QTI) every question goes out. A self-check export (for the
textbook: `--self-check`) leaves out every question a graded quiz can ask (any candidate of any
slot of `quizzes/*.yaml`), so publishing it never reveals a graded key.
"""
from __future__ import annotations

from collections.abc import Callable

from grucourse.course import Course
from grucourse.quiz.bank import load_quizzes, validate_all
from grucourse.quiz.errors import InvalidBank
from grucourse.quiz.model import Question

FORMATS = ("jupyterquiz", "moodle", "gift", "qti")
BINARY = ("qti",)
"""Formats written as a file only (a zip package), never to standard output."""


def renderer(fmt: str) -> Callable[[list[Question]], bytes]:
    """The function turning questions into the file's bytes for `fmt` (one module per format)."""
    if fmt == "qti":
        from grucourse.quiz.export_qti import package

        return package
    if fmt == "jupyterquiz":
        from grucourse.quiz.export_jupyterquiz import render
    elif fmt == "moodle":
        from grucourse.quiz.export_moodle import render
    elif fmt == "gift":
        from grucourse.quiz.export_gift import render
    else:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return lambda questions: render(questions).encode("utf-8")


def exported_questions(course: Course, self_check: bool = False) -> tuple[list[Question], list[str]]:
    """(the questions to export, the ids left out because a graded quiz can ask them)."""
    questions, _, errors = validate_all(course)
    if errors:
        raise InvalidBank(errors)
    if not self_check:
        return questions, []
    graded = {q.id for quiz in load_quizzes(course).values() for q in quiz.questions}
    return [q for q in questions if q.id not in graded], [q.id for q in questions if q.id in graded]


def export_bytes(course: Course, fmt: str, self_check: bool = False) -> tuple[bytes, list[str]]:
    """The validated bank in `fmt` (numeric variants with their first values) and what was left out."""
    questions, left_out = exported_questions(course, self_check)
    return renderer(fmt)(questions), left_out


def export_text(course: Course, fmt: str) -> str:
    """A text format's export of the whole bank."""
    return export_bytes(course, fmt)[0].decode("utf-8")
