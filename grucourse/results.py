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


@dataclass
class CellResult:
    """The score of one graded cell, keyed by the grade_id of the *source* notebook."""

    grade_id: str
    score: float
    max_score: float
    checks: list[CheckResult] = field(default_factory=list)

    def feedback(self) -> str:
        """Text written into the graded cell: which checks passed, hints for the failed ones."""
        lines = [f"{self.grade_id}: {self.score:g} / {self.max_score:g} points"]
        for check in self.checks:
            mark = "PASS" if check.passed else "FAIL"
            line = f"  [{mark}] {check.name}"
            if check.message:
                line += f": {check.message}"
            lines.append(line)
        return "\n".join(lines)


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
    def from_json(cls, text: str) -> "SubmissionResult":
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
