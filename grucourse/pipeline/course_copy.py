"""A working course directory made from the repository's course files (demo, tests, benchmarks)."""
from __future__ import annotations

import shutil
from pathlib import Path

import grucourse
from grucourse.course import Course

COURSE_FILES = ("source", "release", "grading_tests", "question_bank", "quizzes", "nbgrader_config.py")


def repository_root() -> Path:
    """The checkout the package is installed from (editable install): it holds the course files."""
    return Path(grucourse.__file__).resolve().parent.parent


def copy_course(dest: Path, origin: Path | None = None) -> Course:
    """Copy the course files of `origin` (default: this repository) into `dest`; nothing else."""
    origin = origin or repository_root()
    dest.mkdir(parents=True, exist_ok=True)
    for name in COURSE_FILES:
        src = origin / name
        if src.is_dir():
            shutil.copytree(src, dest / name, dirs_exist_ok=True)
        elif src.is_file():
            shutil.copy2(src, dest / name)
    return Course.at(dest)
