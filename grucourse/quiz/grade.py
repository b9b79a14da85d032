"""Grades a submitted quiz notebook from its literal answers and the bank's key.

Runs in the trusted process and executes nothing from the submission: answers are read with
`ast.literal_eval` (`grucourse.quiz.answers`), the key and the points come from the bank. Each
slot is graded against the question, choice order and values drawn for the submitting student
(`grucourse.quiz.draw`), whatever the notebook says it was drawn for.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from grucourse.course import Course
from grucourse.ids import is_plain_id
from grucourse.quiz.answers import Found, read_assignments
from grucourse.quiz.bank import load_quiz
from grucourse.quiz.checks import Verdict, check_answer
from grucourse.quiz.definitions import Quiz, quiz_files
from grucourse.quiz.draw import Drawn, draw_digest, draw_for
from grucourse.quiz.model import Question
from grucourse.quiz.notebook import answer_variable
from grucourse.quiz.types import question_type
from grucourse.quiz.validate import bank_files
from grucourse.results import CellResult, CheckResult, SubmissionResult


def grade_quiz_notebook(course: Course, student: str, assignment: str, notebook: Any) -> SubmissionResult:
    """Score every slot of `assignment` for `student`; problems never stop the other slots."""
    quiz = current_quiz(course, assignment)
    drawn = draw_for(quiz, student)
    found, problems = read_assignments(notebook, [answer_variable(d.slot) for d in drawn])
    problems += draw_problems(notebook, student, drawn)
    by_id = {q.id: q for q in quiz.questions}
    result = SubmissionResult(student=student, assignment=assignment, problems=problems)
    for d in drawn:
        question = by_id[d.question]
        credit, message = grade_slot(question, d, found.get(answer_variable(d.slot)))
        check = CheckResult("answer", credit == 1.0, 1.0,
                            f"[{question.id}] {message} Explanation: {question.explanation.strip()}")
        result.cells[d.slot] = CellResult(d.slot, round(question.points * credit, 6), question.points, [check])
    return result


def draw_problems(notebook: Any, student: str, drawn: list[Drawn]) -> list[str]:
    """What the notebook's own record says against grading it as `student`'s draw."""
    meta = notebook.get("metadata", {}).get("grucourse", {}) if isinstance(notebook, dict) else {}
    meta = meta if isinstance(meta, dict) else {}
    drawn_for, digest = meta.get("drawn_for"), meta.get("draw")
    if not isinstance(drawn_for, str):
        return [f"this notebook was never personalised (not fetched through the course): it is graded "
                f"against the questions drawn for {student!r}"]
    if not is_plain_id(drawn_for):  # student-written metadata: never echoed
        return [f"this notebook's record of whom it was drawn for is not a student id: it is graded against "
                f"the questions drawn for {student!r}"]
    if drawn_for != student:
        return [f"this notebook was drawn for {drawn_for!r} but submitted by {student!r}: it is graded "
                f"against the questions, choice order and numbers drawn for {student!r}"]
    if digest != draw_digest(drawn):
        return ["the quiz changed after this notebook was fetched: it is graded against the questions "
                f"drawn for {student!r} now"]
    return []


def grade_slot(question: Question, drawn: Drawn, found: Found | None) -> Verdict:
    """(share of the points, what was wrong) for one slot, given what the notebook assigned to its variable."""
    if found is None:
        return 0.0, f"no `{answer_variable(drawn.slot)} = ...` found: was the answer cell deleted or renamed?"
    if found.error:
        return 0.0, found.error + "."
    return check_answer(question, found.value, shown_answer(question, drawn))


def shown_answer(question: Question, drawn: Drawn) -> object:
    """The key as this student sees it: choice keys relabelled, the formula at their values."""
    return question_type(question.type).shown_answer(question, drawn)


def current_quiz(course: Course, assignment: str) -> Quiz:
    """The quiz as the bank says now; parsed once per process unless a bank or quiz file changes."""
    stamp = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in bank_files(course) + quiz_files(course))
    return _quiz_at(course.root, assignment, stamp)


@lru_cache(maxsize=16)
def _quiz_at(root: Path, assignment: str, stamp: tuple) -> Quiz:
    return load_quiz(Course(root), assignment)
