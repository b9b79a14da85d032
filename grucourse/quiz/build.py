"""Writes source/<quiz>/<quiz>.ipynb and its public view for every quiz, after validating the bank.

`grucourse build` calls `write_quiz_sources` and then lets nbgrader generate the release
notebook. The quiz's public view (`quiz_draw.json`: slots, seed, prompts, choices, params
values; no key, explanation or formula) is written beside both the source and the release
notebook, so `nbgrader release_assignment` puts it in the exchange, where the fetch plugin
(`grucourse.quiz.exchange`) reads it.
"""
from __future__ import annotations

import json
from pathlib import Path

import nbformat

from grucourse.course import Course
from grucourse.quiz.bank import load_quizzes
from grucourse.quiz.draw import VIEW_FILE, public_view
from grucourse.quiz.notebook import quiz_notebook


def write_quiz_sources(course: Course) -> list[Path]:
    """Validate bank and quizzes, answer cues included (InvalidBank on any error), write every
    quiz's source notebook and public view."""
    written = []
    for name, quiz in sorted(load_quizzes(course, cues=True).items()):
        path = course.source_notebook(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_if_changed(path, nbformat.writes(quiz_notebook(quiz), version=4))
        view = json.dumps(public_view(quiz), indent=1, ensure_ascii=False) + "\n"
        for folder in (path.parent, course.release_notebook(name).parent):
            folder.mkdir(parents=True, exist_ok=True)
            _write_if_changed(folder / VIEW_FILE, view)
        written.append(path)
    return written


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
