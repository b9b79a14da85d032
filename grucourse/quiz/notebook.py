"""The student-facing quiz notebook: one prompt and one answer cell per slot.

`quiz_notebook` writes the nbgrader source: the same for everyone, each slot's prompt a
placeholder, because every student gets their own question there. `grucourse.quiz.personalise`
fills the placeholders of a released copy for one student. No key, explanation or formula
ever goes into either: the key stays in the bank and the grader reads it from there.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grucourse.quiz.answer_form import check_cell_sources
from grucourse.quiz.definitions import Quiz

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")
CHECK_CELL_ID = "quiz-check-answers"
"""grade_id of the check cell: not an identifier, so no slot id can take it."""
QUESTIONS_CELL_ID = "quiz-questions"
NOTICE_CELL_ID = "quiz-personal"
UNPERSONALISED = ("**This copy is not personalised.** Every student answers their own questions, "
                  "written into the notebook when the quiz is fetched from the course with nbgrader "
                  "(Assignments tab or `nbgrader fetch_assignment`). Fetch the quiz instead of "
                  "opening this file; answers typed here are graded against your own questions.")


def answer_variable(slot_id: str) -> str:
    """The name a student assigns their answer to."""
    return f"answer_{slot_id}"


def answer_stub(slot_id: str) -> str:
    """Source of an unanswered answer cell (SPEC section 5)."""
    return f"{answer_variable(slot_id)} = None"


def escape_markdown(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def prompt_cell_id(slot_id: str) -> str:
    return f"{slot_id}-prompt"


def quiz_notebook(quiz: Quiz) -> nbformat.NotebookNode:
    """The nbgrader source notebook of `quiz`, with stable cell ids so rebuilding changes nothing."""
    cells = [_cell(new_markdown_cell, "quiz-intro", "\n\n".join(filter(None, [
        f"# {escape_markdown(quiz.title)}",
        escape_markdown(quiz.intro),
        f"{len(quiz.slots)} questions, {quiz.points:g} points. Answer by clicking a choice or typing a "
        "number under each question: that writes your answer into the answer cell below it, "
        "which you may also edit by hand. Only plain values count (a string, a list of strings, "
        "`True`/`False` or a number): the grader runs nothing, so computations there score zero.",
    ]))), _cell(new_markdown_cell, NOTICE_CELL_ID, UNPERSONALISED)]
    for number, slot in enumerate(quiz.slots, start=1):
        points = f"{slot.points:g} point{'s' if slot.points != 1 else ''}"
        cells.append(_cell(new_markdown_cell, prompt_cell_id(slot.id),
                           f"## Question {number} ({points})\n\n*Your own question appears here once the "
                           "quiz is fetched.*"))
        answer = _cell(new_code_cell, f"{slot.id}-answer", answer_stub(slot.id))
        answer.metadata["nbgrader"] = {
            "grade": True, "grade_id": slot.id, "locked": False, "points": slot.points,
            "schema_version": 3, "solution": True, "task": False,
        }
        cells.append(answer)
    cells += check_cells(questions_source([(n, s.id, None, []) for n, s in enumerate(quiz.slots, 1)], ""))
    return new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "grucourse": {"quiz": quiz.name},
    })


def questions_source(questions: list[tuple[int, str, str | None, list[str]]], drawn_for: str) -> str:
    """The plain cell listing what the check needs (slot, type, shown keys; None: not personalised)
    and warning whoever opens a notebook drawn for somebody else."""
    listed = "".join(f"    ({n}, {json.dumps(sid)}, {json.dumps(kind)}, {json.dumps(keys)}),\n"
                     for n, sid, kind, keys in questions)
    return "\n".join([
        "# What the answer check below needs: each question's type and choice keys (no key).",
        f"DRAWN_FOR = {drawn_for!r}",
        "QUIZ_QUESTIONS = [\n" + listed + "]",
        "import getpass, os, sys",
        'you = os.environ.get("JUPYTERHUB_USER") or getpass.getuser()',
        "if DRAWN_FOR and you not in (DRAWN_FOR, \"jovyan\"):",
        '    print(f"This notebook was drawn for {DRAWN_FOR!r}, not for you ({you!r}). Your submission is "',
        '          "graded against your own questions: fetch your own copy of the quiz.", file=sys.stderr)',
    ])


def check_cells(questions: str) -> list[nbformat.NotebookNode]:
    """A heading, the per-student question list, the locked checker and a graded check cell worth
    0 points: `nbgrader validate` reports only graded cells, and this one writes to stderr the
    answers the grader cannot score (malformed, a bare name, a computation, not a choice key,
    unanswered). The locked cells are the same in every student's copy, so their nbgrader
    checksums hold."""
    definition, check = check_cell_sources()
    heading = _cell(new_markdown_cell, "quiz-check-intro", (
        "## Check your answers\n\nRun the cells below (or `nbgrader validate`): they list every answer "
        "the grader could not score as it is written, without saying whether an answer is right."))
    listed = _cell(new_code_cell, QUESTIONS_CELL_ID, questions)
    checker = _cell(new_code_cell, "quiz-answer-checker", definition)
    checker.metadata["nbgrader"] = {"grade": False, "grade_id": "quiz-answer-checker", "locked": True,
                                    "schema_version": 3, "solution": False, "task": False}
    checked = _cell(new_code_cell, CHECK_CELL_ID, check)
    checked.metadata["nbgrader"] = {"grade": True, "grade_id": CHECK_CELL_ID, "locked": True, "points": 0,
                                    "schema_version": 3, "solution": False, "task": False}
    return [heading, listed, checker, checked]


def _cell(factory: Callable[..., Any], cell_id: str, source: str) -> nbformat.NotebookNode:
    cell = factory(source)
    cell["id"] = cell_id
    return cell
