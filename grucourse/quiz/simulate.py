"""Simulated quiz submissions for the demo class and the benchmark: each student answers their
own personalised notebook, from their own draw."""
from __future__ import annotations

import nbformat
import numpy as np

from grucourse.course import Course
from grucourse.quiz.draw import Drawn, draw_for, public_view
from grucourse.quiz.grade import current_quiz, shown_answer
from grucourse.quiz.model import Question
from grucourse.quiz.notebook import answer_variable
from grucourse.quiz.personalise import personalise


def make_quiz_submission(course: Course, assignment: str, student_id: str, rng: np.random.Generator,
                         accuracy: float) -> nbformat.NotebookNode:
    """The release notebook (source if not built) personalised for `student_id` and answered right
    with probability `accuracy` per question."""
    path = course.release_notebook(assignment)
    quiz = current_quiz(course, assignment)
    nb = personalise(nbformat.read(path if path.exists() else course.source_notebook(assignment), as_version=4),
                     public_view(quiz), student_id)
    by_id = {q.id: q for q in quiz.questions}
    answers = {d.slot: answer_for(by_id[d.question], d, rng, rng.random() < accuracy)
               for d in draw_for(quiz, student_id)}
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.cell_type == "code" and grade_id in answers:
            cell.source = f"{answer_variable(grade_id)} = {answers[grade_id]!r}"
    return nb


def answer_for(question: Question, drawn: Drawn, rng: np.random.Generator, right: bool) -> object:
    """The key this student sees, or a plausible wrong answer (another choice, a near-miss number)."""
    key = shown_answer(question, drawn)
    if right:
        return key
    shown = [chr(ord("a") + i) for i in range(len(drawn.order))]
    if isinstance(key, list):  # multiple: flip one choice
        wrong = set(key) ^ {shown[int(rng.integers(len(shown)))]}
        return sorted(wrong or set(shown) - set(key))
    if isinstance(key, str):  # single
        others = [k for k in shown if k != key]
        return others[int(rng.integers(len(others)))]
    if isinstance(key, bool):
        return not key
    number = float(key)  # type: ignore[arg-type]  # numeric: the formula's value
    guess = number * (0.75, 1.25, 4 / 3, 2.0)[int(rng.integers(4))]
    margin = question.tolerance or 0.0
    return guess if abs(guess - number) > 2 * margin else number + 10 * margin + 1
