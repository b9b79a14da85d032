"""Dask worker preload for grading workers (`dask worker --preload grucourse.pipeline.worker_setup`).

A local cluster's workers share the instructor's terminal: Ctrl-C reaches every one of them,
and each would print its own traceback while the grading process stops them anyway. They
ignore SIGINT instead, so an interrupted run ends with the grading process's one line.
"""
from __future__ import annotations

import signal
from typing import Any


def dask_setup(worker: Any) -> None:
    """Called by Dask once per worker process when it starts."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
