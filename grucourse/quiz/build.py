"""Writes source/<quiz>/<quiz>.ipynb for every quiz definition, after validating the bank.

`grucourse build` calls `write_quiz_sources` and then lets nbgrader generate the release.
"""
from __future__ import annotations

from pathlib import Path

import nbformat

from grucourse.course import Course
from grucourse.quiz.bank import load_quizzes
from grucourse.quiz.notebook import quiz_notebook


def write_quiz_sources(course: Course) -> list[Path]:
    """Validate bank and quizzes (InvalidBank on any error), write every quiz's source notebook."""
    written = []
    for name, quiz in sorted(load_quizzes(course).items()):
        path = course.source_notebook(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = nbformat.writes(quiz_notebook(quiz), version=4)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
