"""The student-facing quiz notebook: prompts, answer instructions and one answer cell per question.

No key, explanation or tolerance-free answer ever goes into it: the key stays in the bank and
the grader reads it from there.
"""
from __future__ import annotations

import json
import re

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grucourse.quiz.answer_form import check_cell_sources
from grucourse.quiz.definitions import Quiz
from grucourse.quiz.model import Question
from grucourse.quiz.variants import variant_source

STUDENT_ID_NAME = "STUDENT_ID"
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")

_HOW_TO_ANSWER = {
    "single": 'Set `answer_{id}` to the key of one choice, as a string (like `"a"`).',
    "multiple": 'Set `answer_{id}` to a list of all the right keys (like `["a", "c"]`).',
    "true_false": "Set `answer_{id}` to `True` or `False`.",
    "numeric": "Set `answer_{id}` to a number (like `0.25` or `1200`).",
}


def answer_variable(question_id: str) -> str:
    """The name a student assigns their answer to."""
    return f"answer_{question_id}"


def answer_stub(question_id: str) -> str:
    """Source of an unanswered answer cell (SPEC section 5)."""
    return f"{answer_variable(question_id)} = None"


def escape_markdown(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def quiz_notebook(quiz: Quiz) -> nbformat.NotebookNode:
    """The nbgrader source notebook of `quiz`, with stable cell ids so rebuilding changes nothing."""
    total = sum(q.points for q in quiz.questions)
    cells = [_cell(new_markdown_cell, "quiz-intro", "\n\n".join(filter(None, [
        f"# {escape_markdown(quiz.title)}",
        escape_markdown(quiz.intro),
        f"{len(quiz.questions)} questions, {total:g} points. Answer each question by editing its "
        "answer cell; only plain values count (a string, a list of strings, `True`/`False` or a "
        "number). Nothing in the answer cells is executed by the grader, so computations there "
        "score zero: compute elsewhere and type the result.",
    ])))]
    variant_questions = [q for q in quiz.questions if q.params]
    if variant_questions:
        cells += _variant_cells(variant_questions)
    for number, question in enumerate(quiz.questions, start=1):
        cells.append(_cell(new_markdown_cell, f"{question.id}-prompt", _prompt_markdown(number, question)))
        answer = _cell(new_code_cell, f"{question.id}-answer", answer_stub(question.id))
        answer.metadata["nbgrader"] = {
            "grade": True, "grade_id": question.id, "locked": False, "points": question.points,
            "schema_version": 3, "solution": True, "task": False,
        }
        cells.append(answer)
    cells += _check_cells(quiz)
    nb = new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "grucourse": {"quiz": quiz.name},
    })
    return nb


CHECK_CELL_ID = "quiz-check-answers"
"""grade_id of the check cell: not an identifier, so no question id can take it."""


def _check_cells(quiz: Quiz) -> list[nbformat.NotebookNode]:
    """A heading, the locked checker and a graded check cell worth 0 points: `nbgrader validate`
    reports only graded cells, and this one writes to stderr the answers the grader cannot score
    (malformed, a bare name, a computation, not a choice key, unanswered)."""
    definition, check = check_cell_sources([(n, q.id, q.type, list(q.choices)) for n, q in enumerate(quiz.questions, 1)])
    heading = _cell(new_markdown_cell, "quiz-check-intro", (
        "## Check your answers\n\nRun the two cells below (or `nbgrader validate`): they list every answer "
        "the grader could not score as it is written, without saying whether an answer is right."))
    checker = _cell(new_code_cell, "quiz-answer-checker", definition)
    checker.metadata["nbgrader"] = {"grade": False, "grade_id": "quiz-answer-checker", "locked": True,
                                    "schema_version": 3, "solution": False, "task": False}
    checked = _cell(new_code_cell, CHECK_CELL_ID, check)
    checked.metadata["nbgrader"] = {"grade": True, "grade_id": CHECK_CELL_ID, "locked": True, "points": 0,
                                    "schema_version": 3, "solution": False, "task": False}
    return [heading, checker, checked]


def _cell(factory, cell_id: str, source: str) -> nbformat.NotebookNode:
    cell = factory(source)
    cell["id"] = cell_id
    return cell


def _prompt_markdown(number: int, question: Question) -> str:
    points = f"{question.points:g} point{'s' if question.points != 1 else ''}"
    parts = [f"## Question {number} ({points})", _prompt_text(question)]
    if question.choices:
        parts.append("\n".join(f"- **{key})** {escape_markdown(text.strip())}"
                               for key, text in question.choices.items()))
    how = _HOW_TO_ANSWER[question.type].format(id=question.id)
    if question.scoring == "partial":
        how += (" Partial credit: with n right keys, each right key you list earns 1/n of the points "
                "and each wrong one takes 1/n away (never below zero).")
    if question.params:
        names = ", ".join(f"`{name}`" for name in question.params.values)
        how += (f" Use your own values of {names}: the variant cell at the top prints them "
                f"for `{question.id}` once you have set `{STUDENT_ID_NAME}`.")
    parts.append(f"*How to answer:* {how}")
    return "\n\n".join(parts)


def _prompt_text(question: Question) -> str:
    """Escaped prompt; variant placeholders `{name}` become code spans `name`."""
    if not question.params:
        return escape_markdown(question.prompt.strip())
    pattern = re.compile(r"\{(" + "|".join(map(re.escape, question.params.values)) + r")\}")
    pieces = pattern.split(question.prompt.strip())
    return "".join(f"`{piece}`" if i % 2 else escape_markdown(piece) for i, piece in enumerate(pieces))


def _variant_cells(questions: list[Question]) -> list[nbformat.NotebookNode]:
    variants = "".join(
        f"    {json.dumps(q.id)}: {{\n"
        + "".join(f"        {json.dumps(name)}: {json.dumps(list(vals))},\n" for name, vals in q.params.values.items())
        + "    },\n"
        for q in questions
    )
    code = "\n".join([
        "# Your own values for the numeric questions that have variants.",
        "# Type your course login (your nbgrader student id) between the quotes and run this cell.",
        "# The grader computes the same values from the id your submission is collected under.",
        f'{STUDENT_ID_NAME} = ""',
        "",
        "",
        variant_source().rstrip(),
        "",
        "",
        "VARIANTS = {\n" + variants + "}",
        f"if not {STUDENT_ID_NAME}.strip():",
        f'    print("Set {STUDENT_ID_NAME} to your student id first.")',
        "for question_id, names in VARIANTS.items():",
        f"    mine = {{name: variant_value({STUDENT_ID_NAME}, question_id, name, vals) for name, vals in names.items()}}",
        "    print(question_id, mine)",
    ])
    intro = ("## Your variant\n\nSome numeric questions have different numbers for every student. "
             f"Set `{STUDENT_ID_NAME}` in the next cell to your own student id and run it. "
             "An answer computed for somebody else's id scores zero.")
    return [_cell(new_markdown_cell, "variant-intro", intro), _cell(new_code_cell, "variant-values", code)]
