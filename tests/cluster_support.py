"""Real `dask scheduler` and `dask worker` processes for the cluster tests, and a worker plugin
that logs every task a worker starts executing (so a test can count recomputations)."""
from __future__ import annotations

import contextlib
import json
import os
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from distributed.diagnostics.plugin import WorkerPlugin

TESTS = Path(__file__).resolve().parent
DASK = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
WORKER = [sys.executable, "-m", "distributed.cli.dask_worker"]


class ExecutionLog(WorkerPlugin):
    """Appends `<worker name> <key>` to `path` each time a task starts executing on a worker."""

    name = "execution-log"

    def __init__(self, path: str) -> None:
        self.path = path
        self.worker = ""

    def setup(self, worker) -> None:  # type: ignore[no-untyped-def]
        self.worker = str(worker.name)

    def transition(self, key, start, finish, **kwargs) -> None:  # type: ignore[no-untyped-def]
        if finish == "executing":
            with open(self.path, "a") as log:
                log.write(f"{self.worker} {key}\n")


def executions(path: Path) -> list[tuple[str, str]]:
    return [tuple(line.split(" ", 1)) for line in path.read_text().splitlines()] if path.exists() else []  # type: ignore[misc]


@contextlib.contextmanager
def scheduler(tmp: Path) -> Iterator[dict]:
    """A `dask scheduler` process (dashboard on); yields its scheduler file's contents."""
    info = tmp / "scheduler.json"
    process = subprocess.Popen([*DASK, "--scheduler-file", str(info), "--port", "0", "--host", "127.0.0.1",
                                "--dashboard-address", "127.0.0.1:0"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not info.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(0.2)
        yield json.loads(info.read_text())
    finally:
        process.terminate()
        process.wait(30)


def start_worker(address: str, name: str, course_seen: tuple[Path, Path] | None = None) -> subprocess.Popen:
    """A `dask worker` process (no nanny, one thread, the grading preload). With `course_seen`
    = (course, other copy), it runs in a mount namespace of its own where the course's path
    shows the other copy: a worker on another machine with a stale synced copy."""
    command = [*WORKER, address, "--nthreads", "1", "--no-nanny", "--name", name,
               "--preload", "grucourse.pipeline.worker_setup", "--no-dashboard"]
    if course_seen is not None:
        course, other = course_seen
        command = ["unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
                   f"mount --bind {shlex.quote(str(other))} {shlex.quote(str(course))} && exec {shlex.join(command)}"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for_workers(address: str, count: int, timeout: float = 120) -> None:
    from distributed import Client

    with Client(address, timeout=timeout) as client:
        client.wait_for_workers(count, timeout=timeout)


def register_log(address: str, path: Path) -> None:
    from distributed import Client

    with Client(address) as client:
        client.register_plugin(ExecutionLog(str(path)))


def grade_command(course: Path, address: str) -> list[str]:
    return [sys.executable, "-m", "grucourse.cli", "--course", str(course), "grade", "gru_gates",
            "--scheduler", address]
