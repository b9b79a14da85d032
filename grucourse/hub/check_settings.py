"""What the instructor decides about instant checks, read from the course's nbgrader_config.py.

```python
c.InstantChecks.assignments = {"gru_gates": {"allowed": True, "per_hour": 10, "per_day": 30, "show_score": True}}
```
An assignment missing from the table cannot be checked: nothing is offered that the instructor
did not switch on. The file is read again when it changes, so a new limit applies to the next
check without restarting the service.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from traitlets import Dict, Float, Int
from traitlets.config import Configurable

from grucourse.course import Course, load_config_file


@dataclass(frozen=True)
class Policy:
    """One assignment's rules for instant checks."""

    allowed: bool = False
    per_hour: int = 10
    per_day: int = 30
    show_score: bool = True

    @classmethod
    def from_dict(cls, entry: dict[str, Any]) -> Policy:
        unknown = set(entry) - {"allowed", "per_hour", "per_day", "show_score"}
        if unknown:
            raise ValueError(f"InstantChecks.assignments: unknown settings {sorted(unknown)}")
        return cls(allowed=bool(entry.get("allowed", False)), per_hour=int(entry.get("per_hour", cls.per_hour)),
                   per_day=int(entry.get("per_day", cls.per_day)), show_score=bool(entry.get("show_score", True)))


class InstantChecks(Configurable):
    """The `c.InstantChecks.*` section of nbgrader_config.py."""

    assignments = Dict(help="assignment -> {allowed, per_hour, per_day, show_score}; absent means not allowed").tag(config=True)
    workers = Int(0, help="judge worker processes (0: one per core)").tag(config=True)
    max_pending_per_user = Int(3, help="checks one student may have waiting or running at once").tag(config=True)
    max_queue = Int(200, help="checks waiting in all; beyond, a student is told to try again").tag(config=True)
    check_timeout = Float(0.0, help="seconds before a check's worker is killed (0: the sandbox's submission_timeout + 30)").tag(config=True)

    def policy(self, assignment: str) -> Policy:
        entry = self.assignments.get(assignment)
        return Policy.from_dict(entry) if isinstance(entry, dict) else Policy()


class CourseSettings:
    """The course's InstantChecks, reloaded when nbgrader_config.py changes."""

    def __init__(self, course: Course) -> None:
        self.path: Path = course.root / "nbgrader_config.py"
        self._stamp: tuple[int, int] | None = None
        self._settings = InstantChecks()

    def current(self) -> InstantChecks:
        try:
            info = os.stat(self.path)
            stamp = (info.st_mtime_ns, info.st_size)
        except FileNotFoundError:
            stamp = (0, 0)
        if stamp != self._stamp:
            self._settings = InstantChecks(config=load_config_file(self.path))
            self._stamp = stamp
        return self._settings
