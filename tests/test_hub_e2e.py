"""The course on a real JupyterHub, end to end, in Debian's chromium: a student logs in with a
Linux password, fetches gru_gates from nbgrader's assignment list, fills it and submits; the
instructor opens formgrader (a hub service), collects, autogrades through the trusted judge,
generates and releases feedback; the student fetches the feedback and reads the score. A second
student cannot read the first one's files, the course, the exchange's submissions or formgrader,
and cannot submit in the first one's name."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import nbformat
import pytest
from browser_support import ARTIFACTS, new_page
from hub_support import Hub, HubUser, course_hub

from grucourse.course import Course
from grucourse.pipeline.course_copy import repository_root
from grucourse.simulate import answers_for, fill_solutions

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

ASSIGNMENT = "gru_gates"
NOTEBOOK = f"gru_course/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"  # where nbgrader fetches it (path_includes_course)
MARK = "# solved by the first student"
FORGED = "# forged by the second student"
DOCS_IMG = repository_root() / "docs" / "img"


@pytest.fixture(scope="module")
def hub() -> Iterator[Hub]:
    with course_hub((ASSIGNMENT,), students=2) as running:
        yield running


@pytest.fixture(scope="module")
def alice(hub: Hub) -> HubUser:
    return hub.client(hub.students[0]).login().start()


@pytest.fixture(scope="module")
def mallory(hub: Hub) -> HubUser:
    return hub.client(hub.students[1]).login().start()


def screenshot(page, name: str) -> None:
    """test-artifacts/<name>.png (docs/img/hub_*.png are copies of these)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


@contextmanager
def logged_in(browser, hub: Hub, user: str, wait_for_lab: bool = True) -> Iterator[object]:
    """A browser page logged in to the hub with the person's Linux password."""
    with new_page(browser) as page:
        page.goto(f"{hub.settings.url}/hub/login")
        page.fill("#username_input", user)
        page.fill("#password_input", hub.passwords[user])
        page.click("#login_submit")
        if wait_for_lab:
            page.wait_for_url(f"**/user/{user}/lab**", timeout=300_000)
            page.locator(".jp-LabShell").wait_for()
        yield page


def open_assignment_list(page) -> object:
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    page.locator(".lm-Menu-itemLabel", has_text="Assignment List").click()
    return page.locator("#assignments")


def section(page, name: str) -> object:
    """One list of nbgrader's assignment list: released, fetched or submitted."""
    return page.locator(f"#{name}_assignments_list")


def test_student_fetches_fills_and_submits(browser, hub: Hub, alice: HubUser) -> None:
    from playwright.sync_api import expect

    with logged_in(browser, hub, alice.name) as page:
        open_assignment_list(page)
        released = section(page, "released")
        expect(released).to_contain_text(ASSIGNMENT)
        released.get_by_role("button", name="Fetch").click()
        expect(section(page, "fetched")).to_contain_text(ASSIGNMENT)

        fetched = alice.api("GET", f"contents/{NOTEBOOK}").json()["content"]
        answers = answers_for(Course.at(repository_root()), ASSIGNMENT, "correct")
        solved = fill_solutions(nbformat.from_dict(fetched), {k: f"{MARK}\n{v}" for k, v in answers.items()})
        saved = alice.api("PUT", f"contents/{NOTEBOOK}", json={"type": "notebook", "format": "json", "content": solved})
        assert saved.status_code == 200, saved.text

        downloaded = section(page, "fetched")
        downloaded.get_by_role("button", name="Submit").click()
        expect(section(page, "submitted")).to_contain_text(ASSIGNMENT)
        screenshot(page, "hub_student_assignments")
    inbound = hub.settings.exchange / "gru_course" / "inbound"
    (submission,) = [p for p in inbound.iterdir() if p.name.startswith(f"{alice.name}+{ASSIGNMENT}+")]
    assert submission.owner() == alice.name
    assert MARK in (submission / f"{ASSIGNMENT}.ipynb").read_text()
