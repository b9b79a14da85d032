"""Simulated quiz submissions for the demo class and the benchmark: each student answers their
own personalised notebook, from their own draw."""
from __future__ import annotations

import nbformat
import numpy as np

from grucourse.course import Course
from grucourse.quiz.draw import Drawn, draw_for, public_view
from grucourse.quiz.grade import current_quiz
from grucourse.quiz.model import Question
from grucourse.quiz.notebook import answer_variable
from grucourse.quiz.personalise import personalise
from grucourse.quiz.types import question_type


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
    kind = question_type(question.type)
    return kind.shown_answer(question, drawn) if right else kind.wrong_answer(question, drawn, rng)
