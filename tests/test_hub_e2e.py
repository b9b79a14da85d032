"""The course on a real JupyterHub, end to end, in Debian's chromium: a student logs in with a
Linux password, fetches gru_gates from nbgrader's assignment list, fills it and submits; the
instructor opens formgrader (a hub service), collects, autogrades through the trusted judge,
generates and releases feedback; the student fetches the feedback and reads the score. A second
student cannot read the first one's files, the course, the exchange's submissions or formgrader,
and cannot submit in the first one's name."""
from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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


def alice_submission(hub: Hub, alice: HubUser) -> Path:
    inbound = hub.settings.exchange / "gru_course" / "inbound"
    (submission,) = [p for p in inbound.iterdir() if p.name.startswith(f"{alice.name}+{ASSIGNMENT}+")
                     and p.owner() == alice.name]
    return submission


ATTEMPTS = '''
import json, os, shutil
def attempt(action):
    try:
        action()
        return "allowed"
    except OSError as exc:
        return type(exc).__name__
home, inbound, course, submission, forged = {paths}
print(json.dumps({{
    "home": attempt(lambda: open(os.path.join(home, {notebook!r})).read()),
    "home_listing": attempt(lambda: os.listdir(home)),
    "inbound_listing": attempt(lambda: os.listdir(inbound)),
    "submission": attempt(lambda: open(os.path.join(submission, {notebook_name!r})).read()),
    "submission_secret": attempt(lambda: open(os.path.join(submission, "submission_secret.txt")).read()),
    "submission_replace": attempt(lambda: os.rename(submission, submission + "-moved")),
    "course": attempt(lambda: os.listdir(course)),
    "gradebook": attempt(lambda: open(os.path.join(course, "gradebook.db"), "rb").read(1)),
    "grading_tests": attempt(lambda: os.listdir(os.path.join(course, "grading_tests"))),
    "forge": attempt(lambda: (os.mkdir(forged), open(os.path.join(forged, {notebook_name!r}), "w").write(
        open(os.path.join(os.path.expanduser("~"), {notebook!r})).read().replace("YOUR CODE HERE", {forged_mark!r})),
        open(os.path.join(forged, "timestamp.txt"), "w").write("2999-01-01 00:00:00.000000 UTC"))),
}}))
'''


def test_second_student_cannot_read_the_first_ones_work_nor_submit_as_them(hub: Hub, alice: HubUser,
                                                                            mallory: HubUser) -> None:
    """Mallory, in her own JupyterLab (a kernel running as her account), tries every way in."""
    fetched = mallory.nbgrader("POST", "assignments/fetch", data={"course_id": "gru_course", "assignment_id": ASSIGNMENT})
    assert fetched.status_code == 200 and json.loads(fetched.text)["success"], fetched.text
    inbound = hub.settings.exchange / "gru_course" / "inbound"
    submission = alice_submission(hub, alice)
    forged = inbound / f"{alice.name}+{ASSIGNMENT}+2999-01-01 00:00:00.000000 UTC+forged"
    paths = tuple(str(p) for p in (Path("/home") / alice.name, inbound, hub.settings.course_dir, submission, forged))
    code = ATTEMPTS.format(paths=paths, notebook=NOTEBOOK, notebook_name=f"{ASSIGNMENT}.ipynb", forged_mark=FORGED)
    outcome = json.loads(mallory.run_python(code).strip().splitlines()[-1])
    assert outcome.pop("forge") == "allowed", "the exchange takes a folder named after another student..."
    assert forged.owner() == mallory.name, "...but it stays hers, which collect checks"
    assert outcome == dict.fromkeys(outcome, "PermissionError"), outcome

    # Her server's API stops at her home; the hub does not let her into Alice's server.
    assert mallory.api("GET", f"contents/../{alice.name}/{NOTEBOOK}").status_code in (400, 403, 404)
    into_alice = mallory.session.get(f"{alice.server}/api/contents/{NOTEBOOK}", timeout=60)
    assert into_alice.status_code == 403 or "login" in into_alice.url
    # Formgrader is the formgrade group's only.
    formgrader = mallory.session.get(f"{hub.settings.url}/services/gru_course/formgrader", timeout=60)
    assert formgrader.status_code == 403, formgrader.url


def formgrader_action(page, row, column: str, message: str, timeout: float = 60_000) -> None:
    """Click a formgrader button of a table row and accept its 'Successfully ...' message."""
    from playwright.sync_api import expect

    row.locator(f"td.{column} a").click()
    expect(page.get_by_text(message)).to_be_visible(timeout=timeout)
    page.get_by_role("button", name="OK").click()


def stored_score(hub: Hub, student: str) -> tuple[float, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{hub.settings.course_dir / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
        return notebook.score, notebook.max_score


def test_instructor_collects_grades_and_releases_feedback(browser, hub: Hub, alice: HubUser, mallory: HubUser) -> None:
    from playwright.sync_api import expect

    with logged_in(browser, hub, hub.instructor, wait_for_lab=False) as page:
        page.goto(f"{hub.settings.url}/services/gru_course/formgrader")
        row = page.locator("tr", has=page.get_by_role("link", name=ASSIGNMENT, exact=True))
        # The forged submission makes collect report an error that names it; Alice's own is collected.
        row.locator("td.collect a").click()
        dialog = page.locator(".modal-dialog")
        expect(dialog).to_contain_text(f"refused inbound submission '{alice.name}+{ASSIGNMENT}+2999-01-01")
        expect(dialog).to_contain_text(f"owned by '{mallory.name}', a forged id")
        expect(dialog).to_contain_text(f"Collecting submission: {alice.name} {ASSIGNMENT}")
        page.wait_for_function("getComputedStyle(document.querySelector('.modal')).opacity === '1'")  # faded in
        screenshot(page, "hub_instructor_collect")
        page.get_by_role("button", name="OK").click()
        collected = hub.settings.course_dir / "submitted" / alice.name / ASSIGNMENT
        assert {"timestamp.txt", "submission_secret.txt"} <= {p.name for p in collected.iterdir()}, \
            "collect keeps the exchange's records, which autograde and release_feedback read"
        page.goto(f"{hub.settings.url}/services/gru_course/formgrader/manage_submissions/{ASSIGNMENT}")
        student_row = page.locator("tr", has=page.get_by_text(alice.name, exact=True))
        formgrader_action(page, student_row, "autograde",
                          f"Successfully autograded '{ASSIGNMENT}' for student '{alice.name}'.", timeout=600_000)
        score, max_score = stored_score(hub, alice.name)
        assert max_score > 0 and score == max_score, "the correct solution gets every point from the judge"
        page.reload()
        expect(student_row.locator("td.score")).to_have_text(f"{score:g} / {max_score:g}")
        screenshot(page, "hub_instructor_formgrader")
        page.goto(f"{hub.settings.url}/services/gru_course/formgrader")
        formgrader_action(page, row, "generate-feedback", f"Successfully generated feedback of '{ASSIGNMENT}'.",
                          timeout=300_000)
        formgrader_action(page, row, "release-feedback", f"Successfully released feedback of '{ASSIGNMENT}'.")

    collected = hub.settings.course_dir / "submitted"
    assert sorted(p.name for p in collected.iterdir()) == [alice.name], "Mallory never submitted"
    text = (collected / alice.name / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
    assert MARK in text and FORGED not in text, "the forged, later submission in Alice's name was refused"


def test_student_fetches_the_feedback_and_sees_the_score(browser, hub: Hub, alice: HubUser) -> None:
    from playwright.sync_api import expect

    score, max_score = stored_score(hub, alice.name)
    with logged_in(browser, hub, alice.name) as page:
        open_assignment_list(page)
        section(page, "submitted").get_by_role("button", name="Fetch Feedback").click()
        feedback_dir = f"gru_course/{ASSIGNMENT}/feedback"
        deadline = time.monotonic() + 120
        while (listing := alice.api("GET", f"contents/{feedback_dir}")).status_code != 200:
            assert time.monotonic() < deadline, "no feedback fetched"
            time.sleep(1)
        (stamp,) = [entry["name"] for entry in listing.json()["content"]]
        page.goto(f"{alice.server}/files/{feedback_dir}/{stamp}/{ASSIGNMENT}.html")
        expect(page.get_by_text(f"{ASSIGNMENT} (Score: {score:.1f} / {max_score:.1f})")).to_be_visible()
        screenshot(page, "hub_student_feedback")
