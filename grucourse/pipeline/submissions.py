"""Which notebooks a grading run has to judge: nbgrader's `submitted/<student>/<assignment>/`.

Only folders named by a plain student id (`grucourse.ids`) are graded; any other folder is
refused by `refused_folders`, so its name never reaches the gradebook, a file name or a report."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from grucourse.course import Course
from grucourse.ids import is_plain_id, refusal


@dataclass(frozen=True)
class Submission:
    """One student's attempt at one assignment; `notebook` is None when there is nothing to grade."""

    student: str
    assignment: str
    notebook: Path | None
    problems: tuple[str, ...] = ()


def submitted_assignments(course: Course) -> list[str]:
    """Assignments with at least one submission and a source notebook to grade against."""
    found = {path.name for path in course.submitted.glob("*/*") if path.is_dir() and is_plain_id(path.parent.name)}
    return sorted(a for a in found if course.source_notebook(a).is_file())


def locate(course: Course, student: str, assignment: str) -> Submission:
    """The notebook to grade: the expected one, or the only notebook in the folder under another name."""
    expected = course.submission(student, assignment)
    where = expected.parent.relative_to(course.root)
    links = sorted(p.name for p in expected.parent.glob("*.ipynb") if p.is_symlink())
    if links:  # a link could make the trusted grader read any file on the machine
        return Submission(student, assignment, None, (
            f"{student}: {where}/{', '.join(links)} is a symbolic link; nothing graded",))
    if expected.is_file():
        return Submission(student, assignment, expected)
    others = sorted(p for p in expected.parent.glob("*.ipynb") if p.is_file())
    if len(others) == 1:
        return Submission(student, assignment, others[0])  # the judge grades it and reports the name
    if others:
        names = ", ".join(p.name for p in others)
        return Submission(student, assignment, None, (
            f"{student}: {where} holds {names} but not {expected.name}; nothing graded",))
    return Submission(student, assignment, None, (f"{student}: {where}/{expected.name} is missing",))


def find_submissions(course: Course, assignments: Iterable[str]) -> list[Submission]:
    """Every submission of the given assignments, in a stable order (assignment, student)."""
    return [
        locate(course, folder.parent.name, assignment)
        for assignment in assignments
        for folder in sorted(course.submitted.glob(f"*/{assignment}"))
        if folder.is_dir() and is_plain_id(folder.parent.name)
    ]


def refused_folders(course: Course) -> list[str]:
    """A message for every entry of submitted/ that is not named by a plain student id (it is
    never graded); the name is shown escaped."""
    if not course.submitted.is_dir():
        return []
    return [refusal(entry.name, "submitted/") for entry in sorted(course.submitted.iterdir())
            if not is_plain_id(entry.name)]
