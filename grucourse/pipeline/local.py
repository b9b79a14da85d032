"""Local worker processes for quizzes: grading them executes nothing, so no Dask cluster is started.

Workers fork from a single-threaded server that has imported the grading task once (importing
nbformat, nbgrader and jsonschema costs seconds of CPU), so no worker pays for it again and a
caller with threads (Dask, Jupyter, pytest plugins) cannot hand a worker a lock held at fork time.
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.util
import os
import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

PRELOAD = ["distributed", "grucourse.pipeline.work"]
"""What the server imports before forking workers: Dask's for a LocalCluster, the grading task."""

SOCKET_PATH_ROOM = 60
"""Longest temporary folder that leaves room for multiprocessing's socket names under the
107-byte AF_UNIX limit."""


def short_socket_folder() -> None:
    """multiprocessing puts the forkserver's socket in a folder of TMPDIR; a long TMPDIR (a
    cluster's scratch space, a test's folder) would make binding it fail, so its sockets go to a
    private folder of /tmp instead, removed at exit as multiprocessing removes its own."""
    process = multiprocessing.current_process()
    if len(tempfile.gettempdir()) <= SOCKET_PATH_ROOM or process._config.get("tempdir"):  # type: ignore[attr-defined]
        return
    folder = tempfile.mkdtemp(prefix="pymp-", dir="/tmp")
    multiprocessing.util.Finalize(None, shutil.rmtree, args=[folder], exitpriority=-100)
    process._config["tempdir"] = folder  # type: ignore[attr-defined]


def start_worker_server() -> None:
    """Starts the forkserver now, from a process that is still single-threaded and has not yet
    imported the grading modules, so that it imports them on another core while this process
    does the same; a LocalCluster or `local_pool` started later forks from it."""
    import multiprocessing.forkserver

    short_socket_folder()
    multiprocessing.get_context("forkserver").set_forkserver_preload(PRELOAD)
    multiprocessing.forkserver.ensure_running()


@contextmanager
def local_pool(workers: int | None = None) -> Iterator[ProcessPoolExecutor]:
    """`workers` processes (default: one per core); work still pending when the caller stops is cancelled."""
    short_socket_folder()
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)  # no effect once the server runs
    pool = ProcessPoolExecutor(workers or os.cpu_count() or 1, mp_context=context)
    try:
        yield pool
    finally:
        pool.shutdown(cancel_futures=True)
