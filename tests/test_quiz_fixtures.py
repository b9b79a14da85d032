"""Shared fixtures of the quiz tests: a private copy of the course's bank and quizzes."""
from __future__ import annotations

from pathlib import Path

import pytest

from grucourse.course import Course
from grucourse.pipeline.course_copy import copy_quiz_course

REPO = Course.at(Path(__file__).resolve().parents[1])


@pytest.fixture
def quiz_course(tmp_path: Path) -> Course:
    return copy_quiz_course(tmp_path / "course", REPO.root)
