"""Helpers of the browser tests (the `browser` fixture itself is in conftest.py): chromium's
flags, a fresh page, and JupyterLab for a course with its log in test-artifacts/."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from grucourse.course import Course
from grucourse.lab import LabServer, running_lab

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


@contextmanager
def lab_with_log(course: Course, log_name: str) -> Iterator[LabServer]:
    """`running_lab` (what `grucourse lab` runs), its output in test-artifacts/`log_name`."""
    ARTIFACTS.mkdir(exist_ok=True)
    with open(ARTIFACTS / log_name, "w") as log, running_lab(course, log=log) as server:
        yield server


@contextmanager
def new_page(browser: object) -> Iterator[object]:
    """A page in a fresh browser context, with timeouts for JupyterLab's slow first load on a busy
    CI machine."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(60_000)
    expect.set_options(timeout=60_000)
    try:
        yield context.new_page()
    finally:
        context.close()
