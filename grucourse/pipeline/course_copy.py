"""A working course directory made from the repository's course files (demo, tests, benchmarks)."""
from __future__ import annotations

import shutil
from pathlib import Path

import grucourse
from grucourse.course import Course

COURSE_FILES = ("source", "release", "grading_tests", "question_bank", "quizzes", "nbgrader_config.py")
QUIZ_FILES = ("question_bank", "quizzes")


def repository_root() -> Path:
    """The checkout the package is installed from (editable install): it holds the course files."""
    return Path(grucourse.__file__).resolve().parent.parent


def copy_course(dest: Path, origin: Path | None = None, names: tuple[str, ...] = COURSE_FILES) -> Course:
    """Copy the course files `names` of `origin` (default: this repository) into `dest`; nothing else."""
    origin = origin or repository_root()
    dest.mkdir(parents=True, exist_ok=True)
    for name in names:
        src = origin / name
        if src.is_dir():
            shutil.copytree(src, dest / name, dirs_exist_ok=True)
        elif src.is_file():
            shutil.copy2(src, dest / name)
    return Course.at(dest)


def copy_quiz_course(dest: Path, origin: Path | None = None) -> Course:
    """A course holding only the question bank and quiz definitions, with the quiz sources built
    from them: what quiz tests and benchmarks need, without the code assignments."""
    from grucourse.quiz.build import write_quiz_sources

    course = copy_course(dest, origin, QUIZ_FILES)
    write_quiz_sources(course)
    return course
