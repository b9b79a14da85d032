"""Grades a submitted quiz notebook from its literal answers and the bank's key.

Runs in the trusted process and executes nothing from the submission: answers are read with
`ast.literal_eval` (`grucourse.quiz.answers`), the key and the points come from the bank.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from grucourse.course import Course
from grucourse.quiz.answers import Found, read_assignments
from grucourse.quiz.bank import load_quiz
from grucourse.quiz.checks import Verdict, check_answer
from grucourse.quiz.definitions import Quiz, quiz_files
from grucourse.quiz.model import Question
from grucourse.quiz.notebook import STUDENT_ID_NAME, answer_variable
from grucourse.quiz.validate import bank_files
from grucourse.quiz.variants import expected_answer
from grucourse.results import CellResult, CheckResult, SubmissionResult


def grade_quiz_notebook(course: Course, student: str, assignment: str, notebook: Any) -> SubmissionResult:
    """Score every question of `assignment` for `student`; problems never stop the other questions."""
    quiz = current_quiz(course, assignment)
    names = [answer_variable(q.id) for q in quiz.questions] + [STUDENT_ID_NAME]
    found, problems = read_assignments(notebook, names)
    typed = found.get(STUDENT_ID_NAME, Found()).value
    typed_id = typed.strip() if isinstance(typed, str) else ""
    result = SubmissionResult(student=student, assignment=assignment, problems=problems)
    for question in quiz.questions:
        credit, message = grade_question(question, found.get(answer_variable(question.id)), student, typed_id)
        check = CheckResult("answer", credit == 1.0, 1.0, f"{message} Explanation: {question.explanation.strip()}")
        result.cells[question.id] = CellResult(question.id, round(question.points * credit, 6),
                                               question.points, [check])
    return result


def grade_question(question: Question, found: Found | None, student: str, typed_id: str) -> Verdict:
    """(share of the points, what was wrong) for one question, given what the notebook assigned to its variable."""
    if found is None:
        return 0.0, f"no `{answer_variable(question.id)} = ...` found: was the answer cell deleted or renamed?"
    if found.error:
        return 0.0, found.error + "."
    credit, message = check_answer(question, found.value, expected_answer(question, student))
    if credit == 1.0 or question.params is None:
        return credit, message
    if typed_id and typed_id != student and check_answer(question, found.value, expected_answer(question, typed_id))[0]:
        return 0.0, (f"this is the answer for {STUDENT_ID_NAME} = {typed_id!r}, but the submission "
                     f"belongs to {student!r}: use your own id and recompute.")
    return 0.0, f"{message} Your values come from your own student id, {student!r}."


def current_quiz(course: Course, assignment: str) -> Quiz:
    """The quiz as the bank says now; parsed once per process unless a bank or quiz file changes."""
    stamp = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in bank_files(course) + quiz_files(course))
    return _quiz_at(course.root, assignment, stamp)


@lru_cache(maxsize=16)
def _quiz_at(root: Path, assignment: str, stamp: tuple) -> Quiz:
    return load_quiz(Course(root), assignment)
