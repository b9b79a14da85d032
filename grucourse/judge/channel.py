"""The trusted end of one sandboxed worker: start it, exchange frames under deadlines, kill it.

Replies come on a private pipe; the worker's stdout/stderr (whatever bypassed the in-process
capture, e.g. `os.write(1, ...)` or subprocesses) is drained while waiting, keeping at most
`Sandbox.max_output_bytes`. Any deadline, EOF or malformed frame ends the worker: the caller
gets `WorkerGone` with the reason, never a half-read state. So does a frame over the
protocol's caps (`reply_limits`) and every reply once the submission's `protocol.Budget` is
spent: what the trusted side parses is bounded before it parses it.
"""
from __future__ import annotations

import atexit
import contextlib
import dataclasses
import functools
import importlib.util
import multiprocessing.util
import os
import py_compile
import selectors
import shutil
import site
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from grucourse.judge import protocol
from grucourse.judge.sandbox import Jail, Sandbox, isolation_problem
from grucourse.judge.zygote import NESTED_NAME, ZYGOTES, ChildJail, WorkerCommand, warm_or_none

WORKER_NAME = "judge_worker.py"


class WorkerGone(RuntimeError):
    """The worker is dead (crashed, killed at a deadline or spoke garbage); `reason` says why."""


_WORKER_DIRS: list[Path] = []


def worker_dir() -> Path:
    """A private read-only copy of the worker script and the protocol, made once per process
    (again if a tmp cleaner removed it) and removed at exit."""
    if _WORKER_DIRS and (_WORKER_DIRS[-1] / WORKER_NAME).is_file():
        return _WORKER_DIRS[-1]
    directory = Path(tempfile.mkdtemp(prefix="grucourse-judge-"))
    here = Path(__file__).parent
    shutil.copyfile(here / "worker.py", directory / WORKER_NAME)
    shutil.copyfile(here / "protocol.py", directory / "judge_protocol.py")
    shutil.copyfile(here / "nested.py", directory / NESTED_NAME)
    for name in ("judge_protocol.py", WORKER_NAME):  # the sandbox cannot write its cache
        py_compile.compile(str(directory / name))
    for path in directory.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    directory.chmod(0o755)
    if not _WORKER_DIRS:  # multiprocessing's children (Dask workers) skip atexit but run its finalizers
        atexit.register(_remove_worker_dirs, os.getpid())
        multiprocessing.util.Finalize(None, _remove_worker_dirs, (os.getpid(),), exitpriority=0)
    _WORKER_DIRS.append(directory)
    return directory


def _remove_worker_dirs(creator: int) -> None:
    """At exit of the process that made them; a forked child (e.g. a Dask worker) inherits the
    list but must not remove what its parent still uses."""
    if os.getpid() == creator:
        for directory in _WORKER_DIRS:
            shutil.rmtree(directory, ignore_errors=True)


@functools.cache
def _package_dirs() -> tuple[Path, ...]:
    """Where the worker's imports (numpy, IPython and their dependencies) live."""
    dirs = [Path(p) for p in site.getsitepackages() if Path(p).is_dir()]
    for name in ("numpy", "IPython"):
        spec = importlib.util.find_spec(name)
        if spec and spec.submodule_search_locations:
            dirs.append(Path(list(spec.submodule_search_locations)[0]).parent)
    return tuple(dict.fromkeys(dirs))


WORKER_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": "/tmp",
    "IPYTHONDIR": "/tmp/.ipython",
    "MPLCONFIGDIR": "/tmp/.matplotlib",
    "MPLBACKEND": "Agg",
    "LANG": "C.UTF-8",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}


def worker_command() -> WorkerCommand:
    """The interpreter, the worker's files and what the sandbox binds read-only for them."""
    packages = _package_dirs()
    directory = worker_dir()
    return WorkerCommand((os.path.realpath(sys.executable), "-I", "-S"), directory, packages,
                         (Path(sys.base_prefix), Path(sys.prefix), directory, *packages),
                         tuple(WORKER_ENV.items()))


def prestart(sandbox: Sandbox) -> None:
    """Starts this process's warm sandbox for `sandbox`, ready in the background, so that the
    first notebook judged later finds it ready (nothing where the sandbox cannot be built).
    The calling thread must outlive it (the main thread, say)."""
    if isolation_problem(sandbox.bwrap) is None:
        ZYGOTES.prestart(sandbox, worker_command())


def reply_limits(sandbox: Sandbox) -> protocol.Limits:
    """The protocol's caps, with room in a header for a cell reply's four texts of
    `max_output_bytes` characters each, JSON-escaped at up to 6 bytes a character, and in the
    frame for the figures (the runner asks for at most half the default frame)."""
    limits = protocol.Limits()
    header = max(limits.max_header_bytes, 4 * 6 * sandbox.max_output_bytes + 2**16)
    frame = max(limits.max_frame_bytes, header + limits.max_frame_bytes // 2)
    return dataclasses.replace(limits, max_header_bytes=header, max_frame_bytes=frame)


class WorkerProcess:
    """One running worker in a sandbox; `budget` is shared by the workers of one submission."""

    def __init__(self, sandbox: Sandbox, budget: protocol.Budget | None = None) -> None:
        self.sandbox = sandbox
        self.output = bytearray()
        self.output_dropped = 0
        self._reader = protocol.FrameReader(reply_limits(sandbox), budget if budget is not None else protocol.Budget())
        self._pending: list[tuple[dict[str, Any], list[bytes]]] = []
        to_worker_r, self._to_worker = os.pipe()
        self._from_worker, from_worker_w = os.pipe()
        command = worker_command()
        try:
            jail: Jail | ChildJail | None = None
            if sandbox.check_isolation() is None:
                jail = warm_or_none(sandbox, command, to_worker_r, from_worker_w)
            if jail is None:
                argv = [*command.python, str(command.directory / WORKER_NAME), str(to_worker_r),
                        str(from_worker_w), str(sandbox.max_output_bytes), *map(str, command.packages)]
                jail = sandbox.spawn(argv, list(command.read_only), (to_worker_r, from_worker_w), WORKER_ENV)
            self.jail: Jail | ChildJail = jail
        finally:
            os.close(to_worker_r)
            os.close(from_worker_w)
        os.set_blocking(self._to_worker, False)
        self.alive = True

    def send(self, message: dict[str, Any], blobs: list[bytes], deadline: float) -> None:
        """Writes one frame, draining output meanwhile; kills the worker at the deadline."""
        data = memoryview(protocol.pack(message, blobs))
        while data:
            self._wait(deadline, want_write=True)
            try:
                data = data[os.write(self._to_worker, data):]
            except BlockingIOError:
                continue
            except OSError as exc:
                raise self._gone(f"the worker stopped reading ({exc.strerror})") from None

    def receive(self, deadline: float, what: str) -> tuple[dict[str, Any], list[bytes]]:
        """The next frame; `what` names the deadline in the WorkerGone reason."""
        while not self._pending:
            if not self._wait(deadline, want_write=False):
                raise self._gone(f"{what} time limit reached")
        return self._pending.pop(0)

    def _wait(self, deadline: float, want_write: bool) -> bool:
        """Waits for progress; returns False at the deadline. Reads replies and output."""
        with selectors.DefaultSelector() as selector:
            selector.register(self._from_worker, selectors.EVENT_READ, "reply")
            selector.register(self.jail.output_fd, selectors.EVENT_READ, "output")
            if want_write:
                selector.register(self._to_worker, selectors.EVENT_WRITE, "request")
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                for key, _ in selector.select(remaining):
                    if key.data == "request":
                        return True
                    chunk = os.read(key.fd, 1 << 16)
                    if key.data == "output":
                        self._keep_output(chunk)
                        if not chunk:
                            selector.unregister(key.fd)
                        continue
                    if not chunk:
                        raise self._gone("the worker process ended", died=True)
                    try:
                        self._pending.extend(self._reader.feed(chunk))
                    except protocol.BudgetSpent as exc:
                        raise self._gone(str(exc)) from None
                    except protocol.ProtocolError as exc:
                        raise self._gone(f"the worker sent an invalid message ({exc})") from None
                    if self._pending:
                        return True

    def _keep_output(self, chunk: bytes) -> None:
        room = self.sandbox.max_output_bytes - len(self.output)
        self.output += chunk[:max(room, 0)]
        self.output_dropped += max(0, len(chunk) - max(room, 0))

    def _gone(self, reason: str, died: bool = False) -> WorkerGone:
        """Kills the worker and describes why it is gone; if it ended on its own, says how."""
        if died:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.jail.process.wait(timeout=2)
            reason = f"{reason} ({self.jail.exit_reason()})"
        self.close()
        return WorkerGone(reason)

    def close(self) -> None:
        if not self.alive:
            return
        self.alive = False
        self.jail.kill()
        for fd in (self._to_worker, self._from_worker):
            os.close(fd)
