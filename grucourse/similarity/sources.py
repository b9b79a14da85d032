"""Finds the code to compare in a course: submissions, archives, and the code to subtract."""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from grucourse.course import Course
from grucourse.ids import is_plain_id
from grucourse.judge.notebook import (
    NotebookLimits,
    NotebookUnreadable,
    course_notebook_limits,
    read_file,
)
from grucourse.similarity.code import UnreadableNotebook, code_cells, student_cells
from grucourse.similarity.fingerprints import Document, boilerplate_hashes, document
from grucourse.similarity.settings import Settings
from grucourse.terminal import printable

ARCHIVE_SUFFIXES = (".ipynb", ".py")


@dataclass
class Collection:
    """Documents ready to compare, and what could not be read (reported, never fatal)."""

    documents: list[Document] = field(default_factory=list)
    skipped: list[UnreadableNotebook] = field(default_factory=list)
    subtracted: list[Path] = field(default_factory=list)


def _read_cells(path: Path, template_cells: list[str], limits: NotebookLimits, below: Path | None) -> list[str]:
    """A notebook's own code cells, or a .py file as one cell; bounded like the grader's reads."""
    if path.suffix != ".py":
        return student_cells(path, template_cells, limits, below)
    try:
        return [read_file(path, below, limits.max_notebook_bytes).decode("utf-8")]
    except NotebookUnreadable as exc:
        raise UnreadableNotebook(path, str(exc)) from None
    except UnicodeDecodeError as exc:
        raise UnreadableNotebook(path, f"is not UTF-8 text (bad byte at offset {exc.start})") from None


def submissions(course: Course, assignment: str) -> dict[str, Path]:
    """Student id -> submitted notebook, in nbgrader's layout (plain student ids only, as graded)."""
    found = sorted(course.submitted.glob(f"*/{assignment}/{assignment}.ipynb"))
    return {path.parents[1].name: path for path in found if is_plain_id(path.parents[1].name)}


def archive_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.suffix in ARCHIVE_SUFFIXES and p.is_file())


def collect(
    course: Course,
    assignment: str,
    archives: list[Path],
    settings: Settings,
    subtract_solution: bool = True,
) -> Collection:
    """Fingerprints of every readable submission and archive entry, with the released template
    (and, unless told otherwise, the instructor's solution) subtracted as boilerplate."""
    result = Collection()
    limits = course_notebook_limits(course.root / "nbgrader_config.py")
    release = course.release_notebook(assignment)
    template_cells = code_cells(release) if release.exists() else []  # the instructor's: default limits
    solution = course.source_notebook(assignment)
    solution_cells = code_cells(solution) if subtract_solution and solution.exists() else []
    result.subtracted = [p for p, cells in ((release, template_cells), (solution, solution_cells)) if cells]
    boilerplate = boilerplate_hashes(template_cells + solution_cells, settings)

    entries: list[tuple[str, Path, bool, Path | None]] = [(student, path, False, course.submitted) for student, path in submissions(course, assignment).items()]
    for directory in archives:
        entries += [(f"archive:{directory.name}/{p.relative_to(directory)}", p, True, None)
                    for p in archive_files(directory)]
    for label, path, archived, below in entries:
        try:
            cells = _read_cells(path, template_cells, limits, below)
        except UnreadableNotebook as problem:
            print(printable(f"skipped {problem}", keep_lines=True), file=sys.stderr)
            result.skipped.append(problem)
            continue
        result.documents.append(document(label, path, cells, settings, boilerplate, archived))
    return result
