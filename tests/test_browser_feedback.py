"""A student's feedback page in a real browser with the network off.

A course copy, one gru_gates submission with the typical missing-bias bug, graded by
`grucourse grade` (real sandbox, real nbgrader gradebook) and rendered by `grucourse feedback`
(nbgrader's generate_feedback with the course's nbgrader_config.py). Headless chromium opens the
HTML file offline, as a student does after `nbgrader fetch_feedback`, and checks what the page
shows: the summary names the functions, repeated checks are one line with a count, no bare
`Out[ ]:` prompt, and every formula is typeset with nothing fetched. A screenshot goes to
test-artifacts/ for a human to look at.
"""
from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from playwright import sync_api as playwright_api

from grucourse.course import Course
from grucourse.pipeline.course_copy import copy_course
from grucourse.pipeline.demo import submit_notebook
from grucourse.simulate import make_submission

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
STUDENT, ASSIGNMENT = "student_nobias", "gru_gates"
SUMMARY = [  # the source notebook's functions and section headings, with the scores of a missing bias
    "sigmoid — 1. A numerically stable sigmoid (Score: 1.0 / 1.0)",
    "reset_gate — 2. Reset gate and update gate (Score: 0.0 / 1.0)",
    "update_gate — 2. Reset gate and update gate (Score: 0.0 / 1.0)",
    "candidate_hidden_state — 3. Candidate hidden state (Score: 0.0 / 2.0)",
    "hidden_state — 4. The new hidden state (Score: 1.0 / 1.0)",
    "gru_cell_forward — 5. One GRU step (Score: 0.0 / 2.0)",
    "gru_forward — 6. Running over a sequence (Score: 0.0 / 2.0)",
]
PYTEST_ID = re.compile(r"\[[^\]\s]*(\d-\d|_d\d|_h\d)[^\]\s]*\]")  # e.g. [1-1], [n3_d4_h5_row_bias-reset]
STUDENT_MATHS = r"My notes: $\href{javascript:alert(1)}{x_1}$ and $\style{position:fixed;top:0}{\class{navbar}{y}}$"
"""Formulas a student may write into their notebook: MathJax's safe mode must defuse them."""
JAVASCRIPT_URLS = """[...document.querySelectorAll('*')].filter(
    element => [...element.attributes].some(a => /^\\s*javascript:/i.test(a.value))).length"""
RAW_TEX = re.compile(r"\$[^$\n]+\$|\\begin\{|\\mathbb|\\odot")


def _grucourse(root: Path, *args: str) -> None:
    subprocess.run(["grucourse", "--course", str(root), *args], check=True, capture_output=True, timeout=600)


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    course = copy_course(tmp_path_factory.mktemp("feedback") / "course")
    notebook = make_submission(course, ASSIGNMENT, "no_bias", STUDENT)
    notebook.cells.append(nbformat.v4.new_markdown_cell(STUDENT_MATHS))
    submit_notebook(course, STUDENT, ASSIGNMENT, notebook)
    _grucourse(course.root, "grade", ASSIGNMENT, "--workers", "1")
    _grucourse(course.root, "feedback", ASSIGNMENT)
    return course


@pytest.fixture(scope="module")
def page_path(course: Course) -> Path:
    return course.feedback / STUDENT / ASSIGNMENT / f"{ASSIGNMENT}.html"


@pytest.fixture(scope="module")
def offline_page(page_path: Path) -> Iterator[tuple[object, list[str]]]:
    """The page loaded in chromium without network, MathJax finished; and every URL it requested."""
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(offline=True, viewport={"width": 1100, "height": 900})
        context.set_default_timeout(120_000)
        page = context.new_page()
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto(page_path.as_uri())
        page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("MathJax.startup.promise")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "feedback_page.png"))
        yield page, requested
        browser.close()


def test_the_summary_names_the_function_and_section_of_every_graded_cell(offline_page) -> None:
    page, _ = offline_page
    entries = [" ".join(text.split()) for text in page.locator("#toc li").all_inner_texts()]
    assert entries == SUMMARY
    assert page.locator("#toc", has_text="Test cell").count() == 0
    reset = page.locator("#toc a", has_text="reset_gate —")
    assert reset.get_attribute("href") == "#reset_gate_tests"  # still jumps to the graded cell


def test_repeated_checks_are_one_line_with_a_count_and_no_pytest_ids(offline_page) -> None:
    page, _ = offline_page
    outputs = page.locator("div.output_stdout pre").all_inner_texts()
    checks = " ".join(" ".join(text.split()) for text in outputs if "points" in text)
    assert checks.count("[FAIL] the gate matches sigmoid(X W + H_prev U + b): failed in 3 of 3 cases") == 2
    assert ("failed in 3 of 3 cases — reset_gate returned wrong values: the bias b_r is missing" in checks)
    assert "[PASS] the new state matches (1 - Z) * H_prev + Z * H_tilde (3 cases)" in checks
    assert checks.count("the bias b_r is missing") == 1  # said once, not once per case
    assert not PYTEST_ID.search(checks), PYTEST_ID.search(checks)


def test_no_bare_output_prompt(offline_page) -> None:
    page, _ = offline_page
    assert "Out[" not in page.locator("body").inner_text()
    assert page.locator("div.output_prompt", has_text="Out").count() == 0


def test_maths_is_typeset_offline_in_safe_mode(offline_page) -> None:
    page, requested = offline_page
    assert [url for url in requested if not url.startswith(("file:", "data:"))] == []
    formulas = page.locator("div.text_cell_render mjx-container")
    assert formulas.count() > 50
    assert page.locator("div.text_cell_render mjx-container svg").count() == formulas.count()
    display = page.locator("mjx-container[display='true']")
    assert display.count() >= 5  # the GRU equations and the sigmoid cases
    prose = " ".join(page.locator("div.text_cell_render").all_inner_texts())
    assert not RAW_TEX.search(prose), RAW_TEX.search(prose)
    assert page.evaluate("typeof MathJax.startup.document.options.safeOptions") == "object"


def test_formulas_a_student_writes_cannot_link_script_or_restyle_the_page(offline_page) -> None:
    page, _ = offline_page
    notes = page.locator("div.text_cell_render", has_text="My notes:")
    assert notes.locator("mjx-container").count() == 2  # typeset, in safe mode
    assert page.evaluate(JAVASCRIPT_URLS) == 0
    assert notes.locator("mjx-container [style*='fixed'], mjx-container .navbar").count() == 0


def test_plain_nbgrader_generate_feedback_gives_the_same_page(course: Course, page_path: Path) -> None:
    first = page_path.read_text(encoding="utf-8")
    subprocess.run(["nbgrader", "generate_feedback", ASSIGNMENT, "--force"], cwd=course.root, check=True,
                   capture_output=True, timeout=600)
    again = page_path.read_text(encoding="utf-8")
    assert "reset_gate — 2. Reset gate and update gate" in again and "Test cell" not in again
    assert "cdnjs" not in again and "mathjax" in again.lower()
    assert len(again) == pytest.approx(len(first), rel=0.01)
