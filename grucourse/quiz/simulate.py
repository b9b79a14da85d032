"""Simulated quiz submissions for the demo class and the benchmark."""
from __future__ import annotations

import re

import nbformat
import numpy as np

from grucourse.course import Course
from grucourse.quiz.grade import current_quiz
from grucourse.quiz.model import Question
from grucourse.quiz.notebook import STUDENT_ID_NAME, answer_variable
from grucourse.quiz.variants import expected_answer

_STUDENT_ID_LINE = re.compile(rf'^{STUDENT_ID_NAME} = ""$', flags=re.MULTILINE)


def make_quiz_submission(course: Course, assignment: str, student_id: str, rng: np.random.Generator,
                         accuracy: float) -> nbformat.NotebookNode:
    """The release notebook (source if not built) answered right with probability `accuracy`."""
    path = course.release_notebook(assignment)
    nb = nbformat.read(path if path.exists() else course.source_notebook(assignment), as_version=4)
    answers = {q.id: answer_for(q, student_id, rng, rng.random() < accuracy)
               for q in current_quiz(course, assignment).questions}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = f"{answer_variable(grade_id)} = {answers[grade_id]!r}"
        else:
            cell.source = _STUDENT_ID_LINE.sub(f"{STUDENT_ID_NAME} = {student_id!r}", cell.source)
    return nb


def answer_for(question: Question, student_id: str, rng: np.random.Generator, right: bool) -> object:
    """The key for this student, or a plausible wrong answer (another choice, a near-miss number)."""
    key = expected_answer(question, student_id)
    if right:
        return key
    if question.type == "single":
        others = [k for k in question.choices if k != key]
        return others[int(rng.integers(len(others)))]
    if question.type == "multiple":
        choices = list(question.choices)
        wrong = set(key) ^ {choices[int(rng.integers(len(choices)))]}
        return sorted(wrong or set(choices) - set(key))
    if question.type == "true_false":
        return not key
    factor = (0.75, 1.25, 4 / 3, 2.0)[int(rng.integers(4))]
    guess = float(key) * factor
    margin = question.tolerance or 0.0
    return guess if abs(guess - key) > 2 * margin else float(key) + 10 * margin + 1
