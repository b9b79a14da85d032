"""Student notebooks generated from the instructor's sources by nbgrader's `generate_assignment`.

nbgrader does the real work (clearing solutions and hidden tests, locking cells, checksums, and
recording the assignment's cells in the gradebook, which grading needs later). This module runs
it in a scratch course directory and writes only the notebook into `release/<a>/<a>.ipynb`, in a
stable form, so that regenerating `release/` changes no byte and CI can check it is in sync.
Other files of a source folder are never copied: they may hold answer keys.
"""
from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat

from grucourse.course import Course, load_config_file
from grucourse.errors import CourseError
from grucourse.judge.manifest import TreeProblem, record
from grucourse.quiz.build import write_quiz_sources
from grucourse.quiz.errors import InvalidBank

if TYPE_CHECKING:
    from traitlets.config import Config

#: Cell metadata a release keeps; everything else (timings, scroll state, ...) is editor noise.
KEPT_CELL_METADATA = ("nbgrader", "deletable", "editable", "tags")
#: Notebook metadata a release keeps (no kernel versions of the instructor's machine).
KEPT_NOTEBOOK_METADATA = ("kernelspec",)


class ReleaseError(CourseError):
    """A source nbgrader refuses or an invalid question bank; the message says which file and why."""


def generate(course: Course, assignment: str, db_url: str | None = None) -> nbformat.NotebookNode:
    """Run `nbgrader generate_assignment` on a copy of one source folder and return the student notebook.

    With `db_url` the assignment is recorded in that gradebook (nbgrader's normal behaviour);
    without it a throw-away gradebook is used.
    """
    with tempfile.TemporaryDirectory(prefix="grucourse-release-") as tmp:
        root = Path(tmp)
        source = course.source_notebook(assignment)
        if not source.is_file():
            raise ReleaseError(f"{source}: no source notebook for assignment {assignment!r}")
        shutil.copy2(source, _mkdir(root / "source" / assignment))
        config = load_course_config(course)
        config.CourseDirectory.root = str(root)
        config.CourseDirectory.db_url = db_url or f"sqlite:///{root / 'scratch.db'}"
        from nbgrader.apps import NbGraderAPI

        done = NbGraderAPI(config=config).generate_assignment(assignment, force=True, create=True)
        produced = root / "release" / assignment / f"{assignment}.ipynb"
        if not done["success"] or not produced.is_file():
            tail = "\n".join((done.get("log", "") + done.get("error", "")).strip().splitlines()[-15:])
            raise ReleaseError(f"{source}: nbgrader generate_assignment failed:\n{tail}")
        return nbformat.read(produced, as_version=4)


def load_course_config(course: Course) -> Config:
    """The course's nbgrader_config.py, so releases use the same settings as grading."""
    return load_config_file(course.root / "nbgrader_config.py")


def stable_text(nb: nbformat.NotebookNode) -> str:
    """The notebook as JSON that depends only on its content: sorted keys, no volatile metadata."""
    nb.metadata = {k: v for k, v in nb.metadata.items() if k in KEPT_NOTEBOOK_METADATA}
    for cell in nb.cells:
        cell.metadata = {k: v for k, v in cell.metadata.items() if k in KEPT_CELL_METADATA}
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"


def release_assignment(course: Course, assignment: str, db_url: str | None = None) -> Path:
    """Regenerate `release/<a>/<a>.ipynb`; the file is rewritten only when its content changed."""
    text = stable_text(generate(course, assignment, db_url))
    target = course.release_notebook(assignment)
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        _mkdir(target.parent)
        target.write_text(text, encoding="utf-8")
    return target


def write_quizzes(course: Course) -> str:
    """Validate the question bank and write the quiz sources, so quizzes are released like code;
    a line for the instructor."""
    try:
        write_quiz_sources(course)
    except InvalidBank as exc:  # its message lists every mistake as file:line
        raise ReleaseError(str(exc)) from exc
    return "quiz sources written from the question bank"


def build(course: Course, assignments: list[str] | None = None, db_url: str | None = None,
          report: Callable[[str], object] = print) -> list[Path]:
    """Quiz sources first, then one release notebook per assignment (default: all in source/);
    the hidden tests are recorded (grading_tests/MANIFEST.sha256), which the judge checks."""
    report(write_quizzes(course))
    try:
        report(record(course.grading_tests))
    except TreeProblem as exc:
        raise ReleaseError(str(exc)) from exc
    return [release_assignment(course, a, db_url) for a in (assignments or course.assignments())]


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path
