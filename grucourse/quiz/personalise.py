"""One student's copy of a released quiz notebook: their questions, choice order and numbers.

The released notebook holds one placeholder per slot; `personalise` fills each with the question
`grucourse.quiz.draw.draw` gives this student, the choices relabelled a, b, c ... in the drawn
order and the params' values written into the prompt, lists the shown types and keys for the
answer check, tells the answer widget (the lab extension's quiz-answers plugin) each answer
cell's variable, type and shown keys in the cell's metadata (never which key is right), and
records in the notebook metadata whom it was drawn for and a digest of the draw. Locked nbgrader
cells are left as they are, so their checksums still hold; nbgrader's checksum of a cell covers
its source and nbgrader metadata, not the `grucourse` entry.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import nbformat

from grucourse.quiz.draw import VIEW_FILE, Drawn, draw, draw_digest
from grucourse.quiz.notebook import (
    NOTICE_CELL_ID,
    QUESTIONS_CELL_ID,
    answer_variable,
    escape_markdown,
    prompt_cell_id,
    questions_source,
)
from grucourse.quiz.types import question_type


def read_view(folder: Path) -> dict[str, Any]:
    """The public view released beside a quiz notebook."""
    return json.loads((folder / VIEW_FILE).read_text(encoding="utf-8"))


def personalise(nb: nbformat.NotebookNode, view: dict[str, Any], student_id: str) -> nbformat.NotebookNode:
    """A copy of the released quiz notebook `nb` for `student_id` (unchanged cells keep their ids)."""
    out = copy.deepcopy(nb)
    drawn = draw(view, student_id)
    by_cell = {prompt_cell_id(d.slot): (number, d) for number, d in enumerate(drawn, start=1)}
    by_slot = {d.slot: d for d in drawn}
    for cell in out.cells:
        nbgrader = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and nbgrader.get("solution") and nbgrader.get("grade_id") in by_slot:
            d = by_slot[nbgrader["grade_id"]]
            cell.metadata["grucourse"] = {"quiz_answer": answer_widget(d, view["questions"][d.question])}
        elif cell.get("id") in by_cell:
            number, d = by_cell[cell["id"]]
            cell.source = prompt_markdown(number, d, view["questions"][d.question])
        elif cell.get("id") == NOTICE_CELL_ID:
            cell.source = (f"Questions drawn for **{escape_markdown(student_id)}**: your questions, choice "
                           "order and numbers are your own. Somebody else's copy is graded against your "
                           "own questions, so it would score (almost) nothing.")
        elif cell.get("id") == QUESTIONS_CELL_ID:
            shown = [(n, d.slot, view["questions"][d.question]["type"], shown_keys(d))
                     for n, d in enumerate(drawn, start=1)]
            cell.source = questions_source(shown, student_id)
    out.metadata["grucourse"] = {"quiz": view["quiz"], "drawn_for": student_id, "draw": draw_digest(drawn)}
    return out


def answer_widget(drawn: Drawn, question: dict[str, Any]) -> dict[str, Any]:
    """What the answer widget needs to show the choices of one answer cell: the variable, the
    question type and the keys the student sees (a, b, c ...; none for true/false and numeric),
    in the order shown. Nothing about which answer is right."""
    return {"variable": answer_variable(drawn.slot), "type": question["type"], "keys": shown_keys(drawn)}


def shown_keys(drawn: Drawn) -> list[str]:
    """The choice keys as the student sees them, in the order shown (empty without choices)."""
    return [drawn.shown_key(k) for k in drawn.order]


def prompt_markdown(number: int, drawn: Drawn, question: dict[str, Any]) -> str:
    """Heading, prompt with the student's values, relabelled choices and how to answer."""
    points = question["points"]
    parts = [f"## Question {number} ({points:g} point{'s' if points != 1 else ''})",
             _prompt_text(question["prompt"], drawn.values)]
    if question["choices"]:
        parts.append("\n".join(f"- **{drawn.shown_key(key)})** {escape_markdown(question['choices'][key].strip())}"
                               for key in drawn.order))
    how = question_type(question["type"]).how_to_answer.format(var=answer_variable(drawn.slot))
    if question["scoring"] == "partial":
        how += (" Partial credit: with n right keys, each right key you list earns 1/n of the points "
                "and each wrong one takes 1/n away (never below zero).")
    parts.append(f"*How to answer:* {how}")
    return "\n\n".join(parts)


def _prompt_text(prompt: str, values: dict[str, float]) -> str:
    text = escape_markdown(prompt.strip())
    for name, value in values.items():
        text = text.replace("{" + escape_markdown(name) + "}", f"{value:g}")
    return text


def personalise_file(path: Path, student_id: str, view: dict[str, Any]) -> bool:
    """Rewrite the notebook at `path` for `student_id` if it is the quiz of `view`
    (`<quiz>.ipynb`); False when it is another notebook, left untouched."""
    if path.name != f"{view['quiz']}.ipynb":
        return False
    nb = nbformat.read(path, as_version=4)
    nbformat.write(personalise(nb, view, student_id), path)
    return True
