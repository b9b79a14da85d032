"""Plain-data results of grading, shared by the judge, the quiz grader, nbgrader and reports.

Everything here is JSON-serialisable so that a result can cross a process or a Dask worker
boundary and be cached on disk for resuming.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class CheckResult:
    """One hidden check (a pytest test or a quiz question) and what the student is told."""

    name: str
    passed: bool
    weight: float = 1.0
    message: str = ""
    case: str = ""
    """The parametrized case in words ("n=3, d=4, h=5, row bias"), empty for a single check:
    runs of one test share `name`, so feedback can say "failed in 2 of 3 cases" once."""

    @property
    def label(self) -> str:
        """The name with its case: unique per run of a test (reports list every run)."""
        return f"{self.name} [{self.case}]" if self.case else self.name


@dataclass
class CellResult:
    """The score of one graded cell, keyed by the grade_id of the *source* notebook."""

    grade_id: str
    score: float
    max_score: float
    checks: list[CheckResult] = field(default_factory=list)

    def feedback(self) -> str:
        """Text written into the graded cell: one line per check, the runs of a parametrized
        check grouped into one line with a count, hints for the failed ones."""
        lines = [f"{self.grade_id}: {self.score:g} / {self.max_score:g} points"]
        groups: dict[str, list[CheckResult]] = {}
        for check in self.checks:
            groups.setdefault(check.name, []).append(check)
        for name, runs in groups.items():
            lines += _group_lines(name, runs)
        return "\n".join(lines)


CASE_SEPARATOR = ", "
"""Between the parts of a case label (`CheckResult.case`); shapes are written without spaces."""


def _group_lines(name: str, runs: list[CheckResult]) -> list[str]:
    """The feedback lines of one check over its cases: "[PASS] name (3 cases)", or "[FAIL] name:
    failed in 2 of 3 cases (n=1; n=4) — message", one indented line per message when they differ."""
    failed = [run for run in runs if not run.passed]
    if len(runs) == 1:
        run = runs[0]
        return [f"  [{'PASS' if run.passed else 'FAIL'}] {name}" + (f": {run.message}" if run.message else "")]
    if not failed:
        return [f"  [PASS] {name} ({len(runs)} cases)"]
    cases = _distinct_cases(runs)
    by_message: dict[str, list[str]] = {}
    for run in failed:
        by_message.setdefault(run.message or "the check failed", []).append(cases[id(run)])
    head = f"  [FAIL] {name}: failed in {len(failed)} of {len(runs)} cases"
    if len(by_message) == 1:
        [(message, where)] = by_message.items()
        shown = _case_list(where) if len(failed) < len(runs) else ""
        return [head + (f" ({shown})" if shown else "") + f" — {message}"]
    return [head + ":"] + [f"      {_case_list(where) or 'other cases'}: {message}" for message, where in by_message.items()]


def _distinct_cases(runs: list[CheckResult]) -> dict[int, str]:
    """Each run's case without the parts all runs share (e.g. the function of a grouped check)."""
    parts = [run.case.split(CASE_SEPARATOR) if run.case else [] for run in runs]
    shared = set.intersection(*(set(p) for p in parts))
    return {id(run): CASE_SEPARATOR.join(p for p in own if p not in shared) for run, own in zip(runs, parts, strict=True)}


def _case_list(cases: list[str]) -> str:
    return "; ".join(case for case in cases if case)


@dataclass
class SubmissionResult:
    """Everything the trusted grader decided about one submitted notebook."""

    student: str
    assignment: str
    cells: dict[str, CellResult] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    cell_outputs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    fingerprint: str = ""

    @property
    def score(self) -> float:
        return sum(c.score for c in self.cells.values())

    @property
    def max_score(self) -> float:
        return sum(c.max_score for c in self.cells.values())

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> SubmissionResult:
        data = json.loads(text)
        cells = {
            gid: CellResult(
                grade_id=c["grade_id"],
                score=c["score"],
                max_score=c["max_score"],
                checks=[CheckResult(**k) for k in c["checks"]],
            )
            for gid, c in data.pop("cells").items()
        }
        return cls(cells=cells, **data)
