"""The instructor's view in a real browser: JupyterLab with formgrader on a graded course.

Starts `grucourse.lab.running_lab` (what `grucourse lab` runs) against a course graded by real
nbgrader, drives headless chromium with Playwright, and checks what formgrader shows and stores
against the SQLite gradebook. Screenshots go to test-artifacts/ for a human to look at.
"""
from __future__ import annotations

import subprocess
from collections.abc import Iterator

import nbformat
import pytest
from browser_support import ARTIFACTS, lab_with_log
from course_support import REPO
from playwright import sync_api as playwright_api

from grucourse.course import Course
from grucourse.lab import LabServer

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

GOOD, BUGGY = "student01", "student02"  # the demo's correct student and its update-gate-role bug
QUIZ = "quiz_introduction"


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    """The project's demo: the real assignments, a small simulated class, graded by the judge."""
    root = tmp_path_factory.mktemp("demo") / "course"
    subprocess.run(["grucourse", "--course", str(root), "demo", "--students", "3"],
                   check=True, capture_output=True, timeout=900)
    return Course.at(root)


@pytest.fixture(scope="module")
def lab(course: Course) -> Iterator[LabServer]:
    with lab_with_log(course, "jupyterlab.log") as server:
        yield server


def _screenshot(page: object, name: str, full_page: bool = True) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def _submission_row(page, lab: LabServer, assignment: str, student: str):
    """The student's row in formgrader's Manual Grading list of one notebook, names shown."""
    page.goto(lab.url(f"formgrader/gradebook/{assignment}/{assignment}"))
    page.locator("#main-table a.name-hidden").first.wait_for()  # rows arrive after the page loads
    page.get_by_role("button", name="Show All Names").click()
    return page.locator("#main-table tr", has=page.get_by_role("link", name=student, exact=True))


def _open_submission(page, lab: LabServer, assignment: str, student: str) -> None:
    """Formgrader's grading page of one submission, with its grades and comments loaded."""
    _submission_row(page, lab, assignment, student).get_by_role("link", name=student, exact=True).click()
    page.wait_for_load_state("networkidle")


def _type_and_save(page, selector: str, text: str, kind: str) -> None:
    """Type into a formgrader field and leave it, which saves it; wait for the server's answer."""
    with page.expect_response(lambda r: f"/formgrader/api/{kind}/" in r.url and r.request.method == "PUT") as saved:
        page.locator(selector).fill(text)
        page.locator(selector).press("Tab")
    assert saved.value.ok


def _gradebook(course: Course):
    from nbgrader.api import Gradebook

    return Gradebook(course.db_url)


def _stored_score(course: Course, assignment: str, student: str) -> tuple[float, float]:
    with _gradebook(course) as gradebook:
        stored = gradebook.find_submission_notebook(assignment, assignment, student)
        return stored.score, stored.max_score


def _first_answer_cell(course: Course, assignment: str) -> str:
    """grade_id of the first manually gradable answer cell (solution and grade) of the source."""
    source = nbformat.read(course.source_notebook(assignment), as_version=4)
    return next(cell.metadata["nbgrader"]["grade_id"] for cell in source.cells
                if cell.metadata.get("nbgrader", {}).get("solution") and cell.metadata["nbgrader"].get("grade"))


def test_formgrader_lists_the_four_assignments_with_their_submissions(page, lab: LabServer) -> None:
    page.goto(lab.url("formgrader"))
    expect = playwright_api.expect
    for assignment in REPO.assignments():
        row = page.locator("tr", has=page.get_by_role("link", name=assignment, exact=True))
        expect(row).to_be_visible()
        expect(row.locator("td.num-submissions")).to_have_text("3")
    expect(page.get_by_text("exchange directory")).to_have_count(0)
    _screenshot(page, "formgrader_assignments")


def test_release_from_formgrader_puts_the_student_version_in_the_exchange(page, lab: LabServer, course: Course) -> None:
    assignment = "quiz_lstm_vs_gru"
    page.goto(lab.url("formgrader"))
    row = page.locator("tr", has=page.get_by_role("link", name=assignment, exact=True))
    row.locator("td.release a").click()
    playwright_api.expect(page.get_by_text(f"Successfully released '{assignment}'")).to_be_visible()
    page.get_by_role("button", name="OK").click()
    playwright_api.expect(row.locator("td.status")).to_have_text("released")
    _screenshot(page, "formgrader_released")
    released = course.root / "exchange" / "gru_course" / "outbound" / assignment / f"{assignment}.ipynb"
    assert released.read_bytes() == course.release_notebook(assignment).read_bytes()


@pytest.mark.parametrize("student", [GOOD, BUGGY])
def test_formgrader_shows_the_autograded_score(page, lab: LabServer, course: Course, student: str) -> None:
    score, max_score = _stored_score(course, "gru_gates", student)
    assert (score == max_score) == (student == GOOD), "the demo's correct student has every point, the buggy one not"
    row = _submission_row(page, lab, "gru_gates", student)
    playwright_api.expect(row.locator("td.score")).to_have_text(f"{score:g} / {max_score:g}")
    _screenshot(page, f"formgrader_gru_gates_{student}")


def test_formgrader_shows_the_judges_hint_to_the_grader(page, lab: LabServer) -> None:
    _open_submission(page, lab, "gru_gates", BUGGY)
    hint = page.get_by_text("the update gate has the opposite role").first
    playwright_api.expect(hint).to_be_visible()
    hint.scroll_into_view_if_needed()
    _screenshot(page, "formgrader_buggy_submission", full_page=False)


def test_manual_grade_and_comment_are_stored_in_the_gradebook(page, lab: LabServer, course: Course) -> None:
    cell = _first_answer_cell(course, QUIZ)
    comment = "Right idea; say which Jacobian product shrinks."
    with _gradebook(course) as gradebook:
        before = gradebook.find_grade(cell, QUIZ, QUIZ, GOOD).score
    total_before, _ = _stored_score(course, QUIZ, GOOD)
    _open_submission(page, lab, QUIZ, GOOD)
    _type_and_save(page, f"input.score#{cell}", "0.5", "grade")
    _type_and_save(page, f"textarea#{cell}-comment", comment, "comment")
    _screenshot(page, "formgrader_manual_grade")
    with _gradebook(course) as gradebook:
        assert gradebook.find_grade(cell, QUIZ, QUIZ, GOOD).manual_score == 0.5
        assert gradebook.find_comment(cell, QUIZ, QUIZ, GOOD).manual_comment == comment
    total_after, _ = _stored_score(course, QUIZ, GOOD)
    assert total_after == pytest.approx(total_before - before + 0.5)


def test_released_notebook_opens_in_jupyterlab_with_nbgrader_tools(page, lab: LabServer) -> None:
    page.goto(lab.url("lab/tree/release/gru_gates/gru_gates.ipynb?reset"))
    notebook = page.locator(".jp-NotebookPanel .jp-Notebook")
    expect = playwright_api.expect
    expect(notebook.locator(".jp-Cell").first).to_contain_text("GRU gates")
    expect(notebook).to_contain_text("def hidden_state(H_prev, Z_t, H_tilde):")
    expect(notebook).to_contain_text("YOUR CODE HERE")
    expect(page.get_by_role("button", name="Validate")).to_be_visible()
    _screenshot(page, "lab_released_notebook")
    page.get_by_role("menuitem", name="Nbgrader").click()
    page.get_by_role("menuitem", name="Formgrader").click()
    formgrader = page.frame_locator("iframe").first
    expect(formgrader.get_by_role("heading", name="Manage Assignments")).to_be_visible()
    expect(formgrader.get_by_role("link", name="gru_bptt", exact=True)).to_be_visible()
    _screenshot(page, "lab_formgrader_panel")


def test_student_runs_the_visible_checks_and_validates_in_jupyterlab(page, lab: LabServer, course: Course) -> None:
    from grucourse.simulate import make_submission

    work = course.root / "student_work" / "gru_gates.ipynb"
    work.parent.mkdir(exist_ok=True)
    nbformat.write(make_submission(course, "gru_gates", "correct", GOOD), work)
    page.goto(lab.url("lab/tree/student_work/gru_gates.ipynb?reset"))
    expect = playwright_api.expect
    expect(page.locator(".jp-NotebookPanel .jp-Cell").first).to_be_visible()
    expect(page.get_by_text("Python 3 (ipykernel) | Idle")).to_be_visible()
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    outputs = page.locator(".jp-NotebookPanel .jp-OutputArea-output")
    expect(outputs.filter(has_text="gru_forward: visible checks passed")).to_have_count(1)
    expect(outputs.filter(has_text="Error")).to_have_count(0)
    _screenshot(page, "lab_student_visible_checks", full_page=False)
    page.get_by_role("button", name="Validate").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Success! Your notebook passes all the tests.", timeout=180_000)
    _screenshot(page, "lab_student_validate", full_page=False)

