"""Answering a personalised quiz in JupyterLab with the answer widgets, in headless Debian
chromium: clicks and typed numbers become the literals in the answer cells, a hand edit shows
in the widget, nbgrader's Validate names the one question left open and then passes, and the
saved notebook grades to exactly the score its answers deserve. A notebook whose widget metadata
was forged gets no widget and runs nothing. Off the hub there is no Check button (nothing could
answer it); tests/test_hub_check_browser.py has it on the hub."""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator

import nbformat
import pytest
from browser_support import ARTIFACTS, lab_with_log
from playwright import sync_api as playwright_api
from quiz_support import drawn, key_answers, own_notebook

from grucourse.course import Course
from grucourse.lab import LabServer
from grucourse.pipeline.course_copy import copy_course
from grucourse.quiz.grade import current_quiz, grade_quiz_notebook

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

expect = playwright_api.expect
QUIZZES = {"quiz_introduction": "alice", "quiz_lstm_vs_gru": "carol"}
"""Each quiz with a student whose draw has, between the two, every question type."""


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    return copy_course(tmp_path_factory.mktemp("quiz_answers") / "course")


@pytest.fixture(scope="module")
def lab(course: Course) -> Iterator[LabServer]:
    with lab_with_log(course, "jupyterlab_quiz_answers.log") as server:
        yield server


def _keys(course: Course, quiz: str, student: str) -> dict[str, object]:
    """slot -> the right answer as a value (from the YAML through the student's draw)."""
    return {slot: ast.literal_eval(source.split(" = ", 1)[1]) for slot, source in key_answers(course, quiz, student).items()}


def _open(page: object, lab: LabServer, course: Course, quiz: str, student: str) -> str:
    """The student's own copy of `quiz` saved in the course and opened in JupyterLab; its path."""
    path = f"student_work/{student}/{quiz}.ipynb"
    (course.root / path).parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(own_notebook(course, quiz, student), course.root / path)
    page.goto(lab.url(f"lab/tree/{path}?reset"))
    expect(page.get_by_text("Python 3 (ipykernel) | Idle")).to_be_visible()
    expect(page.get_by_role("button", name="Validate")).to_be_visible()
    expect(page.locator(".grucourse-check-button")).to_have_count(0)  # no check service off the hub
    return path


def _widget(page: object, slot: str) -> object:
    return page.locator(f'fieldset.grucourse-quiz-answer[data-variable="answer_{slot}"]')


def _cell_text(page: object, slot: str) -> object:
    """The answer cell's editor, the cell the widget sits in."""
    return page.locator(".jp-Cell", has=_widget(page, slot)).locator(".jp-InputArea-editor")


def _answer(page: object, slot: str, kind: str, value: object) -> None:
    """Answer one slot as a student would: click the choices, tick the boxes or type the number."""
    widget = _widget(page, slot)
    widget.scroll_into_view_if_needed()
    if kind == "numeric":
        widget.locator("input.grucourse-quiz-number").fill(repr(round(value, 4)))
    elif kind == "multiple":
        for box in widget.locator("input[type=checkbox]").all():
            box.set_checked(box.get_attribute("value") in value)
    else:
        widget.locator(f'input[value="{_input_value(value, kind)}"]').check()


def _input_value(value: object, kind: str) -> str:
    """The `value` attribute of the radio button or check box that stands for `value`."""
    return str(value).lower() if kind == "true_false" else str(value)


def _written(value: object, kind: str) -> str:
    """The literal the widget writes for `value`."""
    if kind == "numeric":
        return repr(round(value, 4))
    if kind == "multiple":
        return "[" + ", ".join(f'"{k}"' for k in sorted(value)) + "]"
    return str(value) if kind == "true_false" else f'"{value}"'


def _validate(page: object) -> str:
    """Click nbgrader's Validate and return what its dialog says, then close it."""
    page.get_by_role("button", name="Validate").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(re.compile("Success|failed"), timeout=180_000)
    text = dialog.inner_text()
    dialog.get_by_role("button").last.click()
    expect(dialog).to_have_count(0)
    return text


@pytest.mark.parametrize("quiz", sorted(QUIZZES))
def test_a_quiz_answered_with_the_widgets_validates_and_grades_to_its_answers(
        page: object, lab: LabServer, course: Course, quiz: str) -> None:
    student = QUIZZES[quiz]
    keys = _keys(course, quiz, student)
    questions = {q.id: q for q in current_quiz(course, quiz).questions}
    slots = [(d.slot, questions[d.question]) for d in drawn(course, quiz, student)]
    path = _open(page, lab, course, quiz, student)
    expect(page.locator("fieldset.grucourse-quiz-answer")).to_have_count(len(slots))

    wrong = None  # the first choice slot is answered wrong on purpose, after a first click
    for slot, question in slots[:-1]:
        value = keys[slot]
        if wrong is None and question.type == "single":
            _answer(page, slot, "single", value)
            value = next(k for k in "abcd" if k != value)
            wrong = slot
        _answer(page, slot, question.type, value)
        expect(_cell_text(page, slot)).to_have_text(f"answer_{slot} = {_written(value, question.type)}")
    last, last_question = slots[-1]
    said = _validate(page)
    number = len(slots)
    assert f"question {number} ({last}) is not answered yet" in said, said
    assert said.count("not answered yet") == 1 and "would score nothing" in said, said

    # a hand edit of the cell shows in its widget, and a click replaces it again
    editor = _cell_text(page, last).locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(f"answer_{last} = {_written(keys[last], last_question.type)}")
    if last_question.type in ("single", "true_false"):
        expect(_widget(page, last).locator(f'input[value="{_input_value(keys[last], last_question.type)}"]')).to_be_checked()
    elif last_question.type == "numeric":
        expect(_widget(page, last).locator("input.grucourse-quiz-number")).to_have_value(
            _written(keys[last], "numeric"))
    _answer(page, last, last_question.type, keys[last])
    said = _validate(page)
    assert "Success! Your notebook passes all the tests." in said, said
    page.screenshot(path=str(ARTIFACTS / f"quiz_answer_widgets_{quiz}.png"), full_page=False)

    saved = nbformat.read(course.root / path, as_version=4)
    result = grade_quiz_notebook(course, student, quiz, saved)
    points = {slot: question.points for slot, question in slots}
    expected = sum(points.values()) - (points[wrong] if wrong else 0)
    assert sum(cell.score for cell in result.cells.values()) == pytest.approx(expected), result.cells
    assert all(result.cells[slot].score == (0 if slot == wrong else points[slot]) for slot in points)
    assert not result.problems, result.problems


def test_forged_widget_metadata_gets_no_widget_and_runs_nothing(page: object, lab: LabServer, course: Course) -> None:
    nb = own_notebook(course, "quiz_introduction", "alice")
    answers = [c for c in nb.cells if "grucourse" in c.metadata]
    forged = [
        {"variable": 'answer_x = 1; import os; os.system("touch /tmp/pwned") #', "type": "single", "keys": ["a"]},
        {"variable": "answer_x", "type": "single", "keys": ['<img src=x onerror="window.__pwned=1">']},
        {"variable": "answer_x", "type": "script", "keys": ["a"]},
        {"variable": "answer_x", "type": "single", "keys": []},
        "not a description",
    ]
    for cell, quiz_answer in zip(answers, forged, strict=False):
        cell.metadata["grucourse"] = {"quiz_answer": quiz_answer}
    path = course.root / "student_work" / "forged.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    page.goto(lab.url("lab/tree/student_work/forged.ipynb?reset"))
    expect(page.get_by_text("Python 3 (ipykernel) | Idle")).to_be_visible()
    expect(page.locator("fieldset.grucourse-quiz-answer")).to_have_count(len(answers) - len(forged))
    assert page.evaluate("window.__pwned") is None
    assert page.locator(".jp-NotebookPanel img[src=x]").count() == 0
