"""Fixtures shared by several test modules (pytest finds them here; no test module imports another).

Helpers that are plain functions or context managers stay in the `*_support.py` modules beside
this file.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import CHROMIUM_ARGS, new_page
from course_support import REPO

from grucourse.course import Course
from grucourse.pipeline.course_copy import copy_quiz_course


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's chromium, headless, launched by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A fresh browser context's page (a module may define its own, recording more)."""
    with new_page(browser) as page:
        yield page


@pytest.fixture
def quiz_course(tmp_path: Path) -> Course:
    """A private copy of the course's question bank and quizzes."""
    return copy_quiz_course(tmp_path / "course", REPO.root)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The fast tier first, then the `slow` tests, each in collection order: a broken basic
    behaviour fails within the first minutes of a whole run (CI's included), not after half an
    hour of nbgrader, hubs and browsers."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is not None)
