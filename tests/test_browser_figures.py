"""The notebooks' figures where people look at them, in headless Debian chromium: JupyterLab (the
released notebooks), formgrader's grading page and the feedback page of a demo student; and the
report page at a glance. Each figure must be an image that loaded (naturalWidth > 0) with its alt
text; screenshots go to test-artifacts/ for a human to look at (copies are in docs/img/)."""
from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator

import pytest
from browser_support import ARTIFACTS, lab_with_log
from playwright import sync_api as playwright_api

from grucourse.course import Course
from grucourse.figures.catalog import FIGURES, Figure
from grucourse.lab import LabServer
from grucourse.pipeline.course_copy import copy_course
from grucourse.pipeline.demo import submit_notebook
from grucourse.simulate import make_submission

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1500)]

STUDENT = "student01"
ASSIGNMENTS = sorted({f.assignment for f in FIGURES})
LOADED = "img => img.complete && img.naturalWidth > 0 ? [img.naturalWidth, img.naturalHeight] : null"


def _grucourse(course: Course, *args: str) -> None:
    subprocess.run(["grucourse", "--course", str(course.root), *args], check=True, capture_output=True, timeout=900)


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    """A course copy where one student submitted a correct solution of each programming
    assignment and one a blank notebook, graded, with feedback pages and the report."""
    course = copy_course(tmp_path_factory.mktemp("figures") / "course")
    for assignment in ASSIGNMENTS:
        for student, profile in ((STUDENT, "correct"), ("student02", "blank")):
            submit_notebook(course, student, assignment, make_submission(course, assignment, profile, student))
        _grucourse(course, "grade", assignment, "--workers", "1")
    _grucourse(course, "feedback", *ASSIGNMENTS)
    _grucourse(course, "report")
    return course


@pytest.fixture(scope="module")
def lab(course: Course, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """JupyterLab with every notebook cell laid out: by default it renders only the cells near
    the viewport (windowing), so a figure further down is in the page but hidden, and whether
    it is drawn in time depends on the machine's load."""
    config = tmp_path_factory.mktemp("labconfig")
    (config / "labconfig").mkdir()
    (config / "labconfig" / "default_setting_overrides.json").write_text(
        json.dumps({"@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"}}))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_CONFIG_PATH", os.pathsep.join(filter(None, (str(config), os.environ.get("JUPYTER_CONFIG_PATH")))))
        with lab_with_log(course, "jupyterlab_figures.log") as server:
            yield server


def _figures_loaded(page: object, figures: list[Figure], shot: str | None = None) -> None:
    """Every figure is on the page as a loaded image; optionally a screenshot of each one's cell."""
    for figure in figures:
        image = page.locator(f'img[alt="{figure.alt}"]').first
        assert image.evaluate("img => img.closest('details') === null"), f"{figure.name} is folded away"
        _scroll_to(page, image)
        playwright_api.expect(image).to_be_visible()
        size = image.evaluate(LOADED)
        assert size and size[0] >= 400, f"{figure.name}: not loaded ({size})"
        if shot:  # the figure where it stands on the page, with what surrounds it
            page.screenshot(path=str(ARTIFACTS / f"{shot}_{figure.name}.png"), clip=_around(image.bounding_box()))


def _scroll_to(page: object, image: object) -> None:
    """Lay out every cell first: JupyterLab skips laying out cells out of view (content-visibility:
    auto), so such an image has no size, is never "visible" and cannot be scrolled to."""
    page.evaluate("document.querySelectorAll('.jp-Cell').forEach(c => { c.style.contentVisibility = 'visible'; })")
    playwright_api.expect(image).to_be_visible()
    image.scroll_into_view_if_needed()


def _around(box: dict[str, float]) -> dict[str, float]:
    """The viewport's full width, from a little above the image to a little below it."""
    top = max(0.0, box["y"] - 120)
    return {"x": 0, "y": top, "width": 1400, "height": min(900 - top, box["height"] + 200)}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_feedback_page_shows_every_figure(page, course: Course, assignment: str) -> None:
    path = course.feedback / STUDENT / assignment / f"{assignment}.html"
    page.goto(path.as_uri())
    _figures_loaded(page, [f for f in FIGURES if f.assignment == assignment], shot="feedback")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_formgrader_grading_page_shows_every_figure(page, lab: LabServer, assignment: str) -> None:
    page.goto(lab.url(f"formgrader/gradebook/{assignment}/{assignment}"))
    page.locator("#main-table a.name-hidden").first.wait_for()
    page.get_by_role("button", name="Show All Names").click()
    page.locator("#main-table tr").get_by_role("link", name=STUDENT, exact=True).click()
    page.wait_for_load_state("networkidle")
    _figures_loaded(page, [f for f in FIGURES if f.assignment == assignment], shot="formgrader")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_jupyterlab_shows_every_figure_of_the_released_notebook(page, lab: LabServer, assignment: str) -> None:
    page.goto(lab.url(f"lab/tree/release/{assignment}/{assignment}.ipynb?reset"))
    playwright_api.expect(page.locator(".jp-NotebookPanel .jp-Cell").first).to_be_visible()
    _figures_loaded(page, [f for f in FIGURES if f.assignment == assignment], shot="lab")


def test_report_page_summary_and_charts_at_natural_size(page, course: Course) -> None:
    page.goto((course.reports / "index.html").as_uri())
    rows = page.locator("table").first.locator("tr")
    playwright_api.expect(rows).to_have_count(1 + len(ASSIGNMENTS))  # the header and one row per assignment
    playwright_api.expect(rows.nth(1)).to_contain_text("gru_bptt")
    playwright_api.expect(rows.nth(1)).to_contain_text("5.5")  # mean of 11 and 0
    for image in page.locator("img").all():
        shown = image.evaluate("img => [img.naturalWidth, img.clientWidth]")
        assert shown[0] > 0 and shown[0] == shown[1], f"{image.get_attribute('src')} is scaled: {shown}"
    assert "[n=" not in page.content() and "[T=" not in page.content(), "checks are named without parametrize ids"
    page.screenshot(path=str(ARTIFACTS / "report_index.png"), full_page=False)
