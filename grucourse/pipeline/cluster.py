"""The Dask client a grading run submits to: an existing scheduler, or a LocalCluster of processes."""
from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from typing import Iterator

from distributed import Client, LocalCluster


def default_workers() -> int:
    """One single-threaded worker per core: each judge already runs its own sandbox processes."""
    return os.cpu_count() or 1


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None) -> Iterator[Client]:
    """Connect to `scheduler` (tcp://host:8786), or start and later stop a local cluster."""
    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    # Workers are spawned (Dask's default), never forked: a fork of this multi-threaded process
    # can inherit a held lock and hang before its first task.
    with LocalCluster(
        n_workers=workers or default_workers(),
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        silence_logs=logging.ERROR,
    ) as cluster, Client(cluster) as client:
        yield client
