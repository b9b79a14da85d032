"""The resume cache: one judge result per submission, as JSON under `course.judge_cache`.

Workers' results land here as soon as they arrive, so a grading run killed half-way loses
nothing already judged. An entry is reused only while its fingerprint (submission bytes,
hidden tests, source notebook; computed by the judge) still matches.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from grucourse.course import Course
from grucourse.results import SubmissionResult


class ResultCache:
    """`<judge_cache>/<assignment>/<student>.json`, written atomically (tmp file + os.replace)."""

    def __init__(self, course: Course) -> None:
        self.root = course.judge_cache

    def path(self, assignment: str, student: str) -> Path:
        return self.root / assignment / f"{student}.json"

    def load(self, assignment: str, student: str) -> SubmissionResult | None:
        """The cached result, or None when there is none or it is unreadable (then it is regraded)."""
        try:
            return SubmissionResult.from_json(self.path(assignment, student).read_text("utf-8"))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def fresh(self, assignment: str, student: str, fingerprint: str) -> SubmissionResult | None:
        """The cached result if it was computed from exactly these files."""
        result = self.load(assignment, student)
        if result is None or not fingerprint or result.fingerprint != fingerprint:
            return None
        return result

    def store(self, result: SubmissionResult) -> Path:
        """Write atomically: a reader (or a run killed mid-write) never sees half a file.

        No fsync: a killed process loses nothing the kernel has, and an entry a power cut
        leaves unreadable is simply judged again (`load` returns None).
        """
        target = self.path(result.assignment, result.student)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(result.to_json())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target
