"""The instructor's view in a real browser: JupyterLab with formgrader on a graded course.

Starts `grucourse.lab.running_lab` (what `grucourse lab` runs) against a course graded by real
nbgrader, drives headless chromium with Playwright, and checks what formgrader shows and stores
against the SQLite gradebook. Screenshots go to test-artifacts/ for a human to look at.
"""
from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grucourse.course import ASSIGNMENTS, Course
from grucourse.lab import LabServer, running_lab

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
STUDENT = "alice"
MANUAL_CELL = "why"


def _graded_cell(source: str, grade_id: str, **flags: object) -> nbformat.NotebookNode:
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {
        "grade_id": grade_id, "schema_version": 3, "solution": False, "grade": False, "locked": False, **flags,
    }
    return cell


def _source_notebook(assignment: str) -> nbformat.NotebookNode:
    notebook = new_notebook(cells=[
        new_markdown_cell(f"# {assignment}\nImplement `double`."),
        _graded_cell("def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
                     "double", solution=True),
        _graded_cell("assert double(2) == 4", "double_tests", grade=True, points=2, locked=True),
        _graded_cell(f"answer_{MANUAL_CELL} = None\n### BEGIN SOLUTION\nanswer_{MANUAL_CELL} = 'b'\n"
                     "### END SOLUTION", MANUAL_CELL, solution=True, grade=True, points=1),
    ])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook


def _nbgrader(course: Course, *args: str) -> None:
    subprocess.run(["nbgrader", *args], cwd=course.root, check=True, capture_output=True)


def build_graded_course(course: Course) -> None:
    """A small course with the four assignment names, released, submitted and autograded by nbgrader."""
    (course.root / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.course_id = 'gru'\n"
        f"c.Exchange.root = {str(course.root / 'exchange')!r}\n"
    )
    (course.root / "exchange").mkdir()
    for assignment in ASSIGNMENTS:
        course.source_notebook(assignment).parent.mkdir(parents=True)
        nbformat.write(_source_notebook(assignment), course.source_notebook(assignment))
        _nbgrader(course, "generate_assignment", assignment, "--force")
        submitted = nbformat.read(course.release_notebook(assignment), as_version=4)
        submitted.cells[1].source = "def double(x):\n    return x + x"
        submitted.cells[3].source = f"answer_{MANUAL_CELL} = 'b'"
        course.submission(STUDENT, assignment).parent.mkdir(parents=True)
        nbformat.write(submitted, course.submission(STUDENT, assignment))
        _nbgrader(course, "autograde", assignment)


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    course = Course.at(tmp_path_factory.mktemp("graded_course"))
    build_graded_course(course)
    return course


@pytest.fixture(scope="module")
def lab(course: Course) -> Iterator[LabServer]:
    ARTIFACTS.mkdir(exist_ok=True)
    with open(ARTIFACTS / "jupyterlab.log", "w") as log, running_lab(course, log=log) as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    yield page
    context.close()


def _screenshot(page: object, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _open_submissions(page, lab: LabServer, assignment: str):
    """The Manual Grading list of one notebook, names shown; returns the student's row."""
    page.goto(lab.url(f"formgrader/gradebook/{assignment}/{assignment}"))
    page.locator("#main-table a.name-hidden").first.wait_for()  # rows arrive after the page loads
    page.get_by_role("button", name="Show All Names").click()
    return page.locator("#main-table tr", has=page.get_by_role("link", name=STUDENT, exact=True))


def _type_and_save(page, selector: str, text: str, kind: str) -> None:
    """Type into a formgrader field and leave it, which saves it; wait for the server's answer."""
    with page.expect_response(lambda r: f"/formgrader/api/{kind}/" in r.url and r.request.method == "PUT") as saved:
        page.locator(selector).fill(text)
        page.locator(selector).press("Tab")
    assert saved.value.ok


def _gradebook(course: Course):
    from nbgrader.api import Gradebook

    return Gradebook(course.db_url)


def test_formgrader_lists_the_four_assignments_with_their_submission(page, lab: LabServer) -> None:
    page.goto(lab.url("formgrader"))
    expect = playwright_api.expect
    for assignment in ASSIGNMENTS:
        row = page.locator("tr", has=page.get_by_role("link", name=assignment, exact=True))
        expect(row).to_be_visible()
        expect(row.locator("td.num-submissions")).to_have_text("1")
    _screenshot(page, "formgrader_assignments")


def test_formgrader_shows_the_autograded_score(page, lab: LabServer, course: Course) -> None:
    assignment = "gru_gates"
    with _gradebook(course) as gradebook:
        stored = gradebook.find_submission_notebook(assignment, assignment, STUDENT)
        score, max_score = stored.score, stored.max_score
    assert max_score == 3 and score == 2, "the fixture's submission passes the tests and leaves the manual cell"
    row = _open_submissions(page, lab, assignment)
    playwright_api.expect(row.locator("td.score")).to_have_text(f"{score:g} / {max_score:g}")
    _screenshot(page, "formgrader_submission_scores")


def test_manual_grade_and_comment_are_stored_in_the_gradebook(page, lab: LabServer, course: Course) -> None:
    assignment = "quiz_introduction"
    comment = "Right key, but say why the update gate keeps the old state."
    _open_submissions(page, lab, assignment).get_by_role("link", name=STUDENT, exact=True).click()
    page.wait_for_load_state("networkidle")  # grades and comments load after the page
    _type_and_save(page, f"input.score#{MANUAL_CELL}", "0.5", "grade")
    _type_and_save(page, f"textarea#{MANUAL_CELL}-comment", comment, "comment")
    _screenshot(page, "formgrader_manual_grade")
    with _gradebook(course) as gradebook:
        grade = gradebook.find_grade(MANUAL_CELL, assignment, assignment, STUDENT)
        stored_comment = gradebook.find_comment(MANUAL_CELL, assignment, assignment, STUDENT)
        assert grade.manual_score == 0.5
        assert stored_comment.manual_comment == comment
        assert gradebook.find_submission_notebook(assignment, assignment, STUDENT).score == 2.5


def test_released_notebook_opens_in_jupyterlab(page, lab: LabServer) -> None:
    page.goto(lab.url("lab/tree/release/gru_gates/gru_gates.ipynb?reset"))
    notebook = page.locator(".jp-NotebookPanel .jp-Notebook")
    playwright_api.expect(notebook.locator(".jp-Cell").first).to_contain_text("Implement double")
    playwright_api.expect(notebook).to_contain_text("YOUR CODE HERE")
    playwright_api.expect(notebook).not_to_contain_text("return 2 * x")
    _screenshot(page, "lab_released_notebook")
