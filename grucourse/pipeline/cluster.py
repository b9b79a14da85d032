"""The Dask client a grading run submits to: an existing scheduler, or a LocalCluster of processes."""
from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Iterator
from contextlib import contextmanager

import dask
from distributed import Client, LocalCluster
from distributed.utils import get_mp_context

from grucourse.pipeline.local import PRELOAD

WORKER_SETUP = "grucourse.pipeline.worker_setup"
LOCAL_CLUSTER_CONFIG = {
    "distributed.worker.multiprocessing-method": "forkserver",
    "distributed.worker.preload": [WORKER_SETUP],
    # Dask's sampling profiler and its frequent monitors cost every task about 20 ms of CPU
    # (worker and grading process together), a tenth of what judging it costs.
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "100ms",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "1s",
}
"""The local cluster's settings, over the user's Dask configuration."""


def default_workers() -> int:
    """One single-threaded worker per core: each judge already runs its own sandbox processes."""
    return os.cpu_count() or 1


def preload_the_judge() -> None:
    """Workers fork from a single-threaded server that has imported the judge once.

    Spawned workers each spend seconds of CPU importing nbformat, nbgrader and pytest before
    their first task; forking this multi-threaded process instead could inherit a held lock
    and hang. Dask sets the server's preload list once per process; this replaces it with ours.
    """
    get_mp_context()
    multiprocessing.get_context("forkserver").set_forkserver_preload(PRELOAD)


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None, dashboard: bool = False) -> Iterator[Client]:
    """Connect to `scheduler` (tcp://host:8786), or start and later stop a local cluster; its
    dashboard (bokeh, ~0.4 s of start-up) only when `dashboard` asks for it."""
    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    with dask.config.set(LOCAL_CLUSTER_CONFIG):
        preload_the_judge()
        with LocalCluster(
            n_workers=workers or default_workers(),
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # Dask's HTTP server (health, metrics) on a free port, never a taken 8787
            scheduler_kwargs={"dashboard": dashboard},
            silence_logs=logging.ERROR,
        ) as cluster, Client(cluster) as client:
            yield client
