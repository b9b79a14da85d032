"""Local worker processes for quizzes: grading them executes nothing, so no Dask cluster is started.

Workers fork from a single-threaded server that has imported the grading task once (importing
nbformat, nbgrader and jsonschema costs seconds of CPU), so no worker pays for it again and a
caller with threads (Dask, Jupyter, pytest plugins) cannot hand a worker a lock held at fork time.
"""
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

PRELOAD = ["distributed", "grucourse.pipeline.work"]
"""What the server imports before forking workers: Dask's for a LocalCluster, the grading task."""


def start_worker_server() -> None:
    """Starts the forkserver now, from a process that is still single-threaded and has not yet
    imported the grading modules, so that it imports them on another core while this process
    does the same; a LocalCluster or `local_pool` started later forks from it."""
    import multiprocessing.forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload(PRELOAD)
    multiprocessing.forkserver.ensure_running()


@contextmanager
def local_pool(workers: int | None = None) -> Iterator[ProcessPoolExecutor]:
    """`workers` processes (default: one per core); work still pending when the caller stops is cancelled."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)  # no effect once the server runs
    pool = ProcessPoolExecutor(workers or os.cpu_count() or 1, mp_context=context)
    try:
        yield pool
    finally:
        pool.shutdown(cancel_futures=True)
