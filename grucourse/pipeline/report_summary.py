"""What the report page summarises: score statistics and problems per assignment, and every hidden
check by what it tests, with the share of submissions that pass it in all its cases."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import mean, median, quantiles
from typing import TypeVar

import nbformat

from grucourse.cache import ResultCache
from grucourse.course import Course
from grucourse.pipeline.report_data import ScoreRow
from grucourse.results import SubmissionResult


@dataclass(frozen=True)
class AssignmentSummary:
    """One assignment's scores (gradebook totals) and the grading problems of its submissions."""

    assignment: str
    max_score: float
    scores: tuple[float, ...]
    problems: tuple[tuple[str, str], ...]
    """(student, problem) for every problem the judge reported."""

    @property
    def mean(self) -> float:
        return mean(self.scores) if self.scores else 0.0

    @property
    def median(self) -> float:
        return median(self.scores) if self.scores else 0.0

    @property
    def quartiles(self) -> tuple[float, float, float, float, float]:
        """min, Q1, median, Q3, max (inclusive method: the quartiles of the class itself)."""
        if not self.scores:
            return 0.0, 0.0, 0.0, 0.0, 0.0
        q1, q2, q3 = quantiles(self.scores, n=4, method="inclusive") if len(self.scores) > 1 else (self.scores[0],) * 3
        return min(self.scores), q1, q2, q3, max(self.scores)

    @property
    def with_problems(self) -> int:
        return len({student for student, _ in self.problems})


@dataclass(frozen=True)
class CheckSummary:
    """One hidden check of one graded cell, over the class."""

    assignment: str
    grade_id: str
    title: str
    cases: int
    passed: int
    """Submissions that passed the check in every case."""
    submissions: int

    @property
    def rate(self) -> float:
        return 100.0 * self.passed / self.submissions if self.submissions else 0.0


@dataclass(frozen=True)
class CellSummary:
    """One graded cell (a function, or a quiz question): the class's mean share of its points."""

    assignment: str
    grade_id: str
    title: str
    percent: float


_Row = TypeVar("_Row", CheckSummary, CellSummary)


def cell_title(course: Course, assignment: str, grade_id: str) -> str:
    """The function a code cell's checks test, or the question of a quiz cell."""
    return f"question {grade_id}" if course.is_quiz(assignment) else grade_id.removesuffix("_tests")


def check_title(course: Course, assignment: str, grade_id: str, name: str) -> str:
    """A check named by what it tests, prefixed by its function unless the name starts with it."""
    function = cell_title(course, assignment, grade_id)
    if course.is_quiz(assignment) and name == "answer":
        return function
    return name if name.startswith(function) else f"{function}: {name}"


def cached_results(course: Course, scores: Iterable[ScoreRow]) -> list[SubmissionResult]:
    """The judge's result of every submission in `scores` that it has graded."""
    cache = ResultCache(course)
    return [result for row in scores if (result := cache.load(row.assignment, row.student))]


def assignment_summaries(scores: list[ScoreRow], results: list[SubmissionResult]) -> list[AssignmentSummary]:
    problems: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for result in results:
        problems[result.assignment] += [(result.student, problem) for problem in result.problems]
    return [AssignmentSummary(assignment, max((r.max_score for r in scores if r.assignment == assignment), default=0.0),
                              tuple(r.score for r in scores if r.assignment == assignment), tuple(problems[assignment]))
            for assignment in sorted({r.assignment for r in scores})]


def check_summaries(course: Course, results: list[SubmissionResult]) -> list[CheckSummary]:
    """Per (assignment, cell, check name): cases per run and how many submissions pass them all."""
    outcomes: dict[tuple[str, str, str], dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    for result in results:
        for cell in result.cells.values():
            for check in cell.checks:
                outcomes[result.assignment, cell.grade_id, check.name][result.student].append(check.passed)
    return [CheckSummary(assignment, grade_id, check_title(course, assignment, grade_id, name),
                         max(len(runs) for runs in by_student.values()),
                         sum(all(runs) for runs in by_student.values()), len(by_student))
            for (assignment, grade_id, name), by_student in outcomes.items()]


def cell_summaries(course: Course, results: list[SubmissionResult]) -> list[CellSummary]:
    """Per graded cell, in notebook order: the mean over submissions of score / max score."""
    shares: dict[tuple[str, str], list[float]] = defaultdict(list)
    for result in results:
        for cell in result.cells.values():
            if cell.max_score:
                shares[result.assignment, cell.grade_id].append(cell.score / cell.max_score)
    return [CellSummary(assignment, grade_id, cell_title(course, assignment, grade_id), 100.0 * mean(values))
            for (assignment, grade_id), values in shares.items()]


def in_notebook_order(course: Course, rows: list[_Row]) -> list[_Row]:
    """`rows` sorted by where their graded cell stands in the source notebook (stable within a cell)."""
    positions: dict[str, dict[str, int]] = {}
    for assignment in {row.assignment for row in rows}:
        path = course.source_notebook(assignment)
        cells = nbformat.read(path, as_version=4).cells if path.exists() else []
        positions[assignment] = {c.metadata.get("nbgrader", {}).get("grade_id", ""): i for i, c in enumerate(cells)}
    return sorted(rows, key=lambda row: (row.assignment, positions[row.assignment].get(row.grade_id, len(positions[row.assignment]))))
