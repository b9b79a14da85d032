"""The numbers behind a report: scores from the gradebook, checks from the judge's results."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import astuple, dataclass, fields
from pathlib import Path

from nbgrader.api import Gradebook

from grucourse import csv_safe
from grucourse.cache import ResultCache
from grucourse.course import Course
from grucourse.scores import round_score


@dataclass(frozen=True, order=True)
class ScoreRow:
    student: str
    assignment: str
    score: float
    max_score: float


@dataclass(frozen=True)
class CheckRow:
    student: str
    assignment: str
    grade_id: str
    check: str
    passed: bool
    weight: float


def score_rows(course: Course) -> list[ScoreRow]:
    """Every submission's total as nbgrader has it (judge scores plus any manual overrides)."""
    with Gradebook(course.db_url) as gradebook:
        return sorted(
            ScoreRow(s.student_id, assignment.name, round_score(s.score), round_score(assignment.max_score))
            for assignment in gradebook.assignments
            for s in gradebook.assignment_submissions(assignment.name)
        )


def check_rows(course: Course, scores: Iterable[ScoreRow]) -> list[CheckRow]:
    """Every hidden check (or quiz question) of every graded submission, from the judge's cache."""
    cache = ResultCache(course)
    rows = []
    for row in scores:
        result = cache.load(row.assignment, row.student)
        for cell in (result.cells.values() if result else ()):
            rows += [CheckRow(row.student, row.assignment, cell.grade_id, check.label, check.passed, check.weight)
                     for check in cell.checks]
    return rows


def write_csv(path: Path, rows: list) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv_safe.writer(handle)
        if rows:
            writer.writerow(field.name for field in fields(rows[0]))
        writer.writerows(astuple(row) for row in rows)
    return path
