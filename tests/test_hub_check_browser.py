"""The Check button in a student's JupyterLab on the course's real JupyterHub (PAM accounts, each
JupyterLab run as its student, Debian chromium): the student fetches gru_gates, writes reset_gate
wrongly, clicks Check next to nbgrader's Validate and reads the hint; fixes it and sees every check
pass. Student text in an answer stays text; another student sees none of the first one's checks.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import ARTIFACTS, new_page
from hub_support import Hub, HubUser, course_hub

from grucourse.course import Course
from grucourse.simulate import make_submission

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
NOTEBOOK = "gru_course/gru_gates/gru_gates.ipynb"
WRONG = ("import numpy as np\n\ndef reset_gate(X, H_prev, W_r, U_r, b_r):\n"
         "    return 1 / (1 + np.exp(-(X @ W_r + H_prev @ U_r)))\n")
HOSTILE = ("def reset_gate(X, H_prev, W_r, U_r, b_r):\n"
           "    raise ValueError('<img src=x onerror=\"window.__pwned = 1\"><b>bold</b>')\n")


@pytest.fixture(scope="module")
def hub() -> Iterator[Hub]:
    with course_hub(("gru_gates",), students=2) as running:
        yield running


def solution_of(nb: dict[str, Any], function: str) -> str:
    return next("".join(c["source"]) for c in nb["cells"] if f"def {function}(" in "".join(c["source"]))


def fetch_with_all_but_reset_gate(student: HubUser) -> str:
    """Fetch gru_gates as the student and write every function but reset_gate into their copy (what
    a student has done before the part the test types); returns the correct reset_gate."""
    fetched = student.nbgrader("POST", "assignments/fetch", data={"course_id": "gru_course", "assignment_id": "gru_gates"})
    assert fetched.status_code == 200, fetched.text
    nb = student.api("GET", f"contents/{NOTEBOOK}").json()["content"]
    correct = json.loads(json.dumps(make_submission(Course.at(REPO), "gru_gates", "correct", "x")))
    by_id = {c["metadata"].get("nbgrader", {}).get("grade_id"): c for c in correct["cells"]}
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("solution") and "def reset_gate(" not in "".join(cell["source"]):
            cell["source"] = by_id[meta["grade_id"]]["source"]
    saved = student.api("PUT", f"contents/{NOTEBOOK}", json={"type": "notebook", "format": "json", "content": nb})
    assert saved.status_code == 200, saved.text
    return solution_of(correct, "reset_gate")


def log_in(page: Any, hub: Hub, name: str) -> None:
    page.goto(f"{hub.settings.url}/hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", hub.passwords[name])
    page.click("#login_submit")
    page.wait_for_url("**/user/**")


def type_into_cell(page: Any, marker: str, code: str) -> None:
    """Replace the source of the code cell whose text contains `marker`, as a student types it."""
    editor = page.locator(".jp-CodeCell .cm-content", has_text=marker).first
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(code)


def check(page: Any) -> Any:
    page.click(".grucourse-check-button")
    result = page.locator(".grucourse-check-result")
    result.wait_for(timeout=300_000)
    return result


def close_dialog(page: Any) -> None:
    page.get_by_role("button", name="Close").click()
    page.locator(".grucourse-check-result").wait_for(state="detached")


def test_check_button_shows_the_hint_then_the_pass(hub: Hub, browser: Any) -> None:
    from playwright.sync_api import expect

    name = hub.students[0]
    student = hub.client(name).login().start()
    right = fetch_with_all_but_reset_gate(student)
    with new_page(browser) as page:
        log_in(page, hub, name)
        page.goto(f"{hub.settings.url}/user/{name}/lab/tree/{NOTEBOOK}")
        button = page.locator(".grucourse-check-button")
        expect(button).to_be_visible()
        # next to nbgrader's Validate in the notebook toolbar
        items = page.locator(".jp-NotebookPanel-toolbar > .jp-Toolbar-item")
        texts = [t.strip() for t in items.all_inner_texts()]
        assert texts.index("Check") == texts.index("Validate") + 1, texts

        type_into_cell(page, "def reset_gate(", WRONG)
        result = check(page)
        failing = result.locator(".grucourse-check-fail", has_text="reset_gate")
        expect(failing).to_contain_text("the bias b_r is missing")
        # gru_cell_forward and gru_forward call reset_gate: they fail with it, the other four pass
        expect(result.locator(".grucourse-check-pass")).to_have_count(4)
        ARTIFACTS.mkdir(exist_ok=True)  # docs/img/hub_check_*.png are copies of these
        page.screenshot(path=str(ARTIFACTS / "hub_check_hint.png"))
        close_dialog(page)

        type_into_cell(page, "def reset_gate(", HOSTILE)
        result = check(page)
        expect(result.locator(".grucourse-check-fail", has_text="reset_gate")).to_contain_text('<img src=x onerror=')
        assert result.locator("img, b").count() == 0
        assert page.evaluate("window.__pwned") is None
        close_dialog(page)

        type_into_cell(page, "def reset_gate(", right)
        result = check(page)
        expect(result.locator(".grucourse-check-summary")).to_contain_text("7 of 7 graded parts pass")
        expect(result.locator(".grucourse-check-fail")).to_have_count(0)
        page.screenshot(path=str(ARTIFACTS / "hub_check_pass.png"))
        close_dialog(page)

    history = student.session.get(f"{hub.settings.url}/services/grucourse-check/api/checks", timeout=60).json()
    assert history["user"] == name and [c["outcome"] for c in history["checks"]] == ["graded"] * 3
    other = hub.client(hub.students[1]).login()
    theirs = other.session.get(f"{hub.settings.url}/services/grucourse-check/api/checks", timeout=60).json()
    assert theirs["user"] == hub.students[1] and theirs["checks"] == []
    ARTIFACTS.mkdir(exist_ok=True)
