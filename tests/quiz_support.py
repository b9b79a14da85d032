"""What the quiz tests share: a student's own notebook, and their key computed from the YAML.

The key is taken from the bank files with PyYAML and mapped through the student's draw (which
question, which choice order, which values) by hand, so the tests do not trust the bank model.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
import yaml

from grucourse.course import Course
from grucourse.quiz.draw import Drawn, draw_for, public_view
from grucourse.quiz.grade import current_quiz
from grucourse.quiz.personalise import personalise


def raw_bank(course: Course) -> dict[str, dict]:
    """Every question straight from the YAML files."""
    return {q["id"]: q for path in sorted(Path(course.question_bank).glob("*.yaml"))
            for q in yaml.safe_load(path.read_text(encoding="utf-8"))}


def drawn(course: Course, assignment: str, student: str) -> list[Drawn]:
    return draw_for(current_quiz(course, assignment), student)


def own_notebook(course: Course, assignment: str, student: str) -> nbformat.NotebookNode:
    """The notebook `student` fetches: the release (source if not built) personalised for them."""
    path = course.release_notebook(assignment)
    nb = nbformat.read(path if path.exists() else course.source_notebook(assignment), as_version=4)
    return personalise(nb, public_view(current_quiz(course, assignment)), student)


def key_value(question: dict, slot: Drawn) -> object:
    """The right answer as the student must write it, from the YAML and the draw."""
    if question["type"] == "single":
        return chr(ord("a") + slot.order.index(question["answer"]))
    if question["type"] == "multiple":
        return sorted(chr(ord("a") + slot.order.index(k)) for k in question["answer"])
    if question.get("params"):
        return eval(question["params"]["formula"], {"__builtins__": {}}, dict(slot.values))
    return question["answer"]


def key_answers(course: Course, assignment: str, student: str) -> dict[str, str]:
    """slot id -> answer cell source holding the student's key."""
    bank = raw_bank(course)
    return {d.slot: f"answer_{d.slot} = {key_value(bank[d.question], d)!r}"
            for d in drawn(course, assignment, student)}


def answer_cells(nb: nbformat.NotebookNode) -> dict[str, nbformat.NotebookNode]:
    """Graded solution cells by grade_id (the 0-point check cell is graded but locked)."""
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")
            and c.metadata["nbgrader"].get("solution")}


def answered(nb: nbformat.NotebookNode, answers: dict[str, str]) -> nbformat.NotebookNode:
    """`nb` with the answer cells of the given slots replaced by the given sources."""
    for grade_id, cell in answer_cells(nb).items():
        if grade_id in answers:
            cell.source = answers[grade_id]
    return nb


def filled(course: Course, assignment: str, answers: dict[str, str], student: str = "alice") -> nbformat.NotebookNode:
    """`student`'s own notebook with the given answer sources."""
    return answered(own_notebook(course, assignment, student), answers)
