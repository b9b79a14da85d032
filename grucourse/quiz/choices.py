"""Which choices students picked, per question in bank keys, read from the submitted notebooks.

Answers are read as the grader reads them (`ast`, nothing executed) and mapped back from the
keys each student saw to the bank's keys through their draw, so a distractor's frequency is
comparable across students whose choices were shuffled differently.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from grucourse.course import Course
from grucourse.quiz.answer_form import normalise_answer
from grucourse.quiz.answers import read_assignments
from grucourse.quiz.definitions import Quiz
from grucourse.quiz.draw import draw_for
from grucourse.quiz.notebook import answer_variable


def picked_choices(course: Course, quiz: Quiz, students: list[str]) -> dict[str, tuple[int, Counter]]:
    """question -> (students asked it, Counter of bank keys / True / False picked)."""
    by_id = {q.id: q for q in quiz.questions}
    counts: dict[str, tuple[int, Counter]] = {}
    for student in students:
        notebook = _read(course.submission(student, quiz.name))
        if notebook is None:
            continue
        drawn = draw_for(quiz, student)
        found, _ = read_assignments(notebook, [answer_variable(d.slot) for d in drawn])
        for d in drawn:
            question = by_id[d.question]
            asked, picks = counts.setdefault(d.question, (0, Counter()))
            counts[d.question] = (asked + 1, picks)
            answer = found.get(answer_variable(d.slot))
            value, problem = normalise_answer(answer.value if answer else None, question.type,
                                              [chr(ord("a") + i) for i in range(len(d.order))])
            if problem or question.type == "numeric":
                continue
            if question.type == "true_false":
                picks[value] += 1
            else:
                picks.update(d.bank_key(k) for k in ([value] if isinstance(value, str) else value))
    return counts


MAX_NOTEBOOK_BYTES = 20 * 2**20
"""A larger file is no quiz answered by hand; it is left out of the frequencies."""


def _read(path: Path) -> dict[str, Any] | None:
    """The submitted notebook as JSON, or None when it is missing, too large or not JSON."""
    try:
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None
