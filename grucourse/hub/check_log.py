"""Every instant check, one row in `<course>/.checks/checks.sqlite` (readable only by the service's
user): who, which assignment, when, the score and the outcome. The rate limits count these rows,
so a limit survives a restart of the service.
"""
from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from grucourse.course import Course

TRY_AGAIN = ("queue_full", "worker_died", "timeout", "interrupted")
"""Outcomes that were not the student's doing: they do not count against the limits."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS checks (
    id INTEGER PRIMARY KEY,
    user TEXT NOT NULL,
    assignment TEXT NOT NULL,
    started REAL NOT NULL,
    seconds REAL,
    outcome TEXT NOT NULL,
    score REAL,
    max_score REAL
);
CREATE INDEX IF NOT EXISTS checks_user ON checks (user, assignment, started);
"""


def checks_dir(course: Course) -> Path:
    """The service's private folder (log, notebooks being checked), mode 0700."""
    path = course.root / ".checks"
    path.mkdir(mode=0o700, exist_ok=True)
    os.chmod(path, 0o700)
    return path


@dataclass(frozen=True)
class LogRow:
    assignment: str
    started: float
    seconds: float | None
    outcome: str
    score: float | None
    max_score: float | None


class CheckLog:
    """The SQLite log; one connection, used from the service's event loop only."""

    def __init__(self, course: Course) -> None:
        path = checks_dir(course) / "checks.sqlite"
        self.db = sqlite3.connect(path, isolation_level=None)
        os.chmod(path, 0o600)
        self.db.executescript(_SCHEMA)
        # a check still queued or running when the service stopped was never answered
        self.db.execute("UPDATE checks SET outcome = 'interrupted' WHERE outcome IN ('queued', 'running')")

    def start(self, user: str, assignment: str) -> int:
        cursor = self.db.execute("INSERT INTO checks (user, assignment, started, outcome) VALUES (?, ?, ?, 'queued')",
                                 (user, assignment, time.time()))
        return int(cursor.lastrowid or 0)

    def mark(self, row: int, outcome: str) -> None:
        self.db.execute("UPDATE checks SET outcome = ? WHERE id = ?", (outcome, row))

    def finish(self, row: int, outcome: str, score: float | None = None, max_score: float | None = None) -> None:
        self.db.execute("UPDATE checks SET outcome = ?, score = ?, max_score = ?, seconds = ? - started WHERE id = ?",
                        (outcome, score, max_score, time.time(), row))

    def refused(self, user: str, assignment: str, outcome: str) -> None:
        """A check answered without grading (rate limited, queue full): logged too."""
        self.finish(self.start(user, assignment), outcome)

    def counted_since(self, user: str, assignment: str, since: float) -> list[float]:
        """Start times of the checks that count against the limits, oldest first."""
        marks = ",".join("?" * len(TRY_AGAIN))
        rows = self.db.execute(
            f"SELECT started FROM checks WHERE user = ? AND assignment = ? AND started >= ? "
            f"AND outcome NOT IN ({marks}, 'rate_limited') ORDER BY started", (user, assignment, since, *TRY_AGAIN))
        return [r[0] for r in rows]

    def history(self, user: str, limit: int = 50) -> list[LogRow]:
        """One student's own checks, newest first."""
        rows = self.db.execute("SELECT assignment, started, seconds, outcome, score, max_score FROM checks "
                               "WHERE user = ? ORDER BY started DESC LIMIT ?", (user, limit))
        return [LogRow(*r) for r in rows]
