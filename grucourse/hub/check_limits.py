"""Per-student rate limits of instant checks: per hour and per day, counted from the check log."""
from __future__ import annotations

import time

from grucourse.hub.check_log import CheckLog
from grucourse.hub.check_settings import Policy

HOUR, DAY = 3600.0, 86400.0


def next_allowed(log: CheckLog, user: str, assignment: str, policy: Policy, now: float | None = None) -> float | None:
    """None when a check may start now, else the time (epoch seconds) of the next allowed one."""
    now = time.time() if now is None else now
    waits = []
    for window, limit in ((HOUR, policy.per_hour), (DAY, policy.per_day)):
        started = log.counted_since(user, assignment, now - window)
        if len(started) >= limit:
            # the window frees a place when the oldest check that fills it leaves the window
            waits.append(started[len(started) - limit] + window if limit > 0 else now + window)
    return max(waits) if waits else None
