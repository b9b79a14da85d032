"""Shared fixtures of the quiz tests: a private copy of the course's bank and quizzes."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grucourse.course import Course
from grucourse.quiz.build import write_quiz_sources

REPO = Course.at(Path(__file__).resolve().parents[1])


def copy_quiz_course(root: Path) -> Course:
    """A course at `root` with the repository's bank and quiz definitions and built sources."""
    course = Course.at(root)
    shutil.copytree(REPO.question_bank, course.question_bank)
    shutil.copytree(REPO.quizzes, course.quizzes)
    write_quiz_sources(course)
    return course


@pytest.fixture
def quiz_course(tmp_path: Path) -> Course:
    return copy_quiz_course(tmp_path / "course")
