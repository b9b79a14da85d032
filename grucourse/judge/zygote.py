"""Warm sandboxes: per grading process, zygotes that fork a fresh, fully isolated worker per run.

A cold sandbox costs a new bwrap, a new interpreter and numpy's import (about 0.15 s of wall
time per notebook run, most of it CPU). A zygote (`grucourse.judge.nested`, running in the
same bubblewrap sandbox) has paid that once; each worker is a fork of it with namespaces, a
private /tmp and work directory, rlimits, a cgroup (where writable, created here as for a
cold sandbox) and the seccomp filter of its own (see `nested`). One zygote serves one worker
at a time; `Zygotes` keeps the idle ones of each sandbox configuration and starts another when
all are busy (a test may keep a sandbox alive while it runs a second one). Where a zygote
cannot be built or dies, the caller falls back to a cold sandbox.
"""
from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import struct
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from grucourse.judge import seccomp
from grucourse.judge.cgroups import Cgroup
from grucourse.judge.sandbox import WORK_DIR, Jail, Sandbox, _kill_namespace, exit_reason

NESTED_NAME = "judge_nested.py"
IDLE_PER_CONFIGURATION = 2
IDLE_SECONDS = 1.0
PRESTARTED_SECONDS = 10.0
"""How long a zygote started ahead of its first run (`Zygotes.prestart`) waits for it."""
CREDENTIALS = struct.calcsize("3i")


class ZygoteUnavailable(OSError):
    """No warm sandbox could be made or used; a cold one is started instead."""


@dataclass(frozen=True)
class WorkerCommand:
    """How to start the sandboxed worker: interpreter argv prefix, its directory, read-only paths."""

    python: tuple[str, ...]
    directory: Path
    packages: tuple[Path, ...]
    read_only: tuple[Path, ...]
    env: tuple[tuple[str, str], ...]


def _wait_readable(sock: socket.socket, timeout: float | None) -> bool:
    return bool(select.select([sock], [], [], timeout)[0])


class Zygote:
    """One zygote process in its bubblewrap sandbox, talking on a SOCK_SEQPACKET socket."""

    def __init__(self, sandbox: Sandbox, command: WorkerCommand, wait: bool = True) -> None:
        """Starts the zygote and, with `wait`, waits until it is ready (else call `wait_ready`).
        The calling thread must outlive it: bwrap kills the sandbox when the thread that started
        it ends (--die-with-parent is PR_SET_PDEATHSIG, which follows the parent thread)."""
        self.startup_timeout = sandbox.startup_timeout
        self.control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        program = seccomp.program_fd()
        argv = [*command.python, str(command.directory / NESTED_NAME), str(theirs.fileno()), str(program),
                str(sandbox.max_output_bytes), *map(str, command.packages)]
        try:
            self.jail = sandbox.spawn_zygote(argv, list(command.read_only), (theirs.fileno(), program),
                                             dict(command.env))
        finally:
            theirs.close()
            os.close(program)
        if wait:
            self.wait_ready()

    def wait_ready(self) -> None:
        if not _wait_readable(self.control, self.startup_timeout) or self.control.recv(64) != b"ready":
            self.close()
            raise ZygoteUnavailable("the warm sandbox did not start")

    @property
    def alive(self) -> bool:
        return self.jail.process.poll() is None

    def fork(self, request: dict[str, object], fds: list[int]) -> None:
        socket.send_fds(self.control, [json.dumps(request).encode()], fds)

    def exit_code(self, timeout: float | None) -> int | None:
        """The status the zygote reports for its current child; None if it did not come in time.
        A zygote that died reports its child killed."""
        if not _wait_readable(self.control, timeout):
            return None
        message = self.control.recv(64)
        if not message.startswith(b"exit "):
            self.close()
            return 128 + signal.SIGKILL
        return int(message.split()[1])

    def close(self) -> None:
        self.jail.kill()
        self.control.close()


@dataclass
class Zygotes:
    """The idle zygotes of each sandbox configuration in this process, each with the time it
    is closed at unless used (by a daemon thread): IDLE_SECONDS after its last run, so
    back-to-back runs of a grading worker keep theirs warm and a grader that is done leaves no
    sandbox process behind."""

    idle: dict[tuple, list[tuple[float, Zygote]]] = field(default_factory=dict)
    starting: dict[tuple, threading.Event] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    owner: int = field(default_factory=os.getpid)
    reaper: int = 0  # pid of the process whose reaper thread runs

    def _mine(self) -> dict[tuple, list[tuple[float, Zygote]]]:
        """The idle zygotes of this process: a forked child (a Dask worker) must not use, nor
        close, the ones it inherited, which still serve its parent."""
        if self.owner != os.getpid():
            self.idle, self.starting, self.owner = {}, {}, os.getpid()
        return self.idle

    @staticmethod
    def key(sandbox: Sandbox, command: WorkerCommand) -> tuple:
        return (sandbox.bwrap, sandbox.max_output_bytes, sandbox.max_processes, sandbox.max_open_files,
                sandbox.max_file_mb, sandbox.startup_timeout, command)

    def take(self, sandbox: Sandbox, command: WorkerCommand) -> Zygote:
        """An idle zygote (waiting for one being prestarted), else a new one."""
        key = self.key(sandbox, command)
        with self.lock:
            self._mine()
            starting = self.starting.get(key)
        if starting is not None:
            starting.wait(sandbox.startup_timeout)
        with self.lock:
            idle = self._mine().setdefault(key, [])
            while idle:
                _, zygote = idle.pop()
                if zygote.alive:
                    return zygote
                zygote.close()
        return Zygote(sandbox, command)

    def give_back(self, sandbox: Sandbox, command: WorkerCommand, zygote: Zygote,
                  keep: float | None = None) -> None:
        """Keeps `zygote` idle for `keep` seconds (IDLE_SECONDS), unless enough are idle already."""
        with self.lock:
            idle = self._mine().setdefault(self.key(sandbox, command), [])
            if zygote.alive and len(idle) < IDLE_PER_CONFIGURATION:
                idle.append((time.monotonic() + (IDLE_SECONDS if keep is None else keep), zygote))
                self._start_reaper()
                return
        zygote.close()

    def prestart(self, sandbox: Sandbox, command: WorkerCommand) -> None:
        """Starts a zygote now and lets it get ready in the background (its interpreter imports
        numpy on another core while this process goes on), unless one is idle or starting; the
        first `take` waits for it, and it waits PRESTARTED_SECONDS for that. Call it from a
        thread that lives as long as the zygote should (see Zygote)."""
        key = self.key(sandbox, command)
        with self.lock:
            if self._mine().get(key) or key in self.starting:
                return
            done = self.starting[key] = threading.Event()

        def started() -> None:
            with self.lock:
                self.starting.pop(key, None)
            done.set()

        try:
            zygote = Zygote(sandbox, command, wait=False)
        except OSError:
            started()
            return

        def get_ready() -> None:
            try:
                zygote.wait_ready()
                self.give_back(sandbox, command, zygote, keep=PRESTARTED_SECONDS)
            except OSError:  # ZygoteUnavailable among them: the first run starts its own
                pass
            finally:
                started()

        threading.Thread(target=get_ready, name="grucourse-zygote-prestart", daemon=True).start()

    def _start_reaper(self) -> None:
        if self.reaper != os.getpid():
            self.reaper = os.getpid()
            threading.Thread(target=self._reap, name="grucourse-zygote-reaper", daemon=True).start()

    def _reap(self) -> None:
        while True:
            time.sleep(IDLE_SECONDS / 4)
            with self.lock:
                now = time.monotonic()
                stale = [zygote for idle in self._mine().values() for until, zygote in idle if now > until]
                for idle in self.idle.values():
                    idle[:] = [(until, zygote) for until, zygote in idle if now <= until]
            for zygote in stale:
                zygote.close()

    def pids(self) -> list[int]:
        """Host pids of this process's idle zygotes' sandboxes."""
        with self.lock:
            return sorted(zygote.jail.process.pid for idle in self._mine().values() for _, zygote in idle)


ZYGOTES = Zygotes()


class ChildProcess:
    """The poll/wait half of subprocess.Popen for a zygote's child, from the zygote's reports."""

    def __init__(self, zygote: Zygote, pid: int) -> None:
        self.zygote = zygote
        self.pid = pid  # the child's pid 1 (B), in the grader's pid namespace
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self.zygote.exit_code(0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            self.returncode = self.zygote.exit_code(timeout)
        if self.returncode is None:
            raise subprocess.TimeoutExpired("sandboxed worker", timeout or 0)
        return self.returncode


class ChildJail:
    """A worker forked by a zygote; the same interface as a cold sandbox's `Jail`."""

    def __init__(self, sandbox: Sandbox, command: WorkerCommand, zygote: Zygote, process: ChildProcess,
                 output: int, group: Cgroup) -> None:
        self.sandbox = sandbox
        self.command = command
        self.zygote = zygote
        self.process = process
        self.output_fd = output
        self.group = group
        try:
            self.namespace: str | None = os.readlink(f"/proc/{process.pid}/ns/pid")
        except OSError:
            self.namespace = None

    def kill(self) -> None:
        """SIGKILL to the child's pid 1 (the kernel then kills its whole namespace), waits for
        the zygote to reap it and for the namespace to be empty; the zygote goes back to the pool."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.process.pid, signal.SIGKILL)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.zygote.close()
        if self.namespace:
            _kill_namespace(self.namespace)
        os.close(self.output_fd)
        self.group.remove()
        ZYGOTES.give_back(self.sandbox, self.command, self.zygote)

    def exit_reason(self) -> str:
        return exit_reason(self.process.poll(), self.sandbox, self.group)


def _receive_pid(channel: socket.socket, timeout: float) -> int:
    """B's pid from its SCM_CREDENTIALS message (translated by the kernel into our namespace)."""
    if not _wait_readable(channel, timeout):
        raise ZygoteUnavailable("the warm sandbox's child did not start")
    message, ancillary, _, _ = channel.recvmsg(16, socket.CMSG_SPACE(CREDENTIALS))
    for level, kind, data in ancillary:
        if message == b"init" and level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
            return int(struct.unpack("3i", data[:CREDENTIALS])[0])
    raise ZygoteUnavailable("the warm sandbox's child did not say who it is")


def _request(sandbox: Sandbox, group: Cgroup) -> dict[str, object]:
    processes = sandbox.max_processes * (8 if group.caps_processes else 1)
    return {"limits": sandbox.child_limits(processes), "tmpfs_bytes": sandbox.max_file_mb * 2**20,
            "work_dir": WORK_DIR}


def spawn_child(sandbox: Sandbox, command: WorkerCommand, to_worker: int, from_worker: int) -> ChildJail:
    """A fresh isolated worker forked from a warm zygote, serving the protocol on the two pipe
    ends given; raises ZygoteUnavailable (the caller then starts a cold sandbox)."""
    zygote = ZYGOTES.take(sandbox, command)
    output_r, output_w = os.pipe()
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    ours.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    group = Cgroup.create(sandbox.group_memory_bytes, sandbox.max_processes + 4) if sandbox.use_cgroups else Cgroup()
    try:
        zygote.fork(_request(sandbox, group), [to_worker, from_worker, output_w, theirs.fileno()])
        pid = _receive_pid(ours, sandbox.startup_timeout)
        group.add(pid)
        ours.send(b"g")
    except (OSError, ValueError) as exc:
        os.close(output_r)
        group.remove()
        zygote.close()
        raise ZygoteUnavailable(f"warm sandbox: {exc}") from None
    finally:
        os.close(output_w)
        theirs.close()
        ours.close()
    return ChildJail(sandbox, command, zygote, ChildProcess(zygote, pid), output_r, group)


_BROKEN: dict[tuple, float] = {}
RETRY_AFTER = 60.0


def warm_or_none(sandbox: Sandbox, command: WorkerCommand, to_worker: int, from_worker: int) -> ChildJail | None:
    """A warm worker, or None where warm sandboxes do not work (then for a minute, not retried)."""
    key = Zygotes.key(sandbox, command)
    if time.monotonic() < _BROKEN.get(key, 0.0):
        return None
    try:
        return spawn_child(sandbox, command, to_worker, from_worker)
    except ZygoteUnavailable:
        _BROKEN[key] = time.monotonic() + RETRY_AFTER
        return None


__all__ = ["ChildJail", "Jail", "WorkerCommand", "ZYGOTES", "warm_or_none"]
