"""A fair queue in front of a bounded pool of judge workers.

Each student has a queue of their own; a free worker takes the next check of the student in turn
among those with the fewest checks running (round robin), so a burst from one student waits behind
itself and another student's check starts as soon as one worker is free. Each worker is one process of its own: killing it (or a check
running past its deadline) fails only the check it was running, which is answered "try again",
and a fresh process takes its place.
"""
from __future__ import annotations

import asyncio
import multiprocessing
import threading
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

PRELOAD = ["grucourse.hub.check_job"]
"""Imported once in the fork server, so a new worker does not pay for numpy, nbgrader and pytest."""


class TryAgain(Exception):
    """A check that could not be answered through no fault of the student; `reason` is one of
    check_log.TRY_AGAIN."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def _serve(conn: Connection) -> None:
    """A worker's loop: run each job it is sent, send back its JSON text."""
    from grucourse.hub.check_job import run_check

    while True:
        try:
            args = conn.recv()
        except EOFError:
            return
        conn.send(run_check(*args))


class Worker:
    """One judge process behind a pipe, replaced when it dies."""

    def __init__(self, context: Any) -> None:
        self._context = context
        self._lock = threading.Lock()
        self._start()

    def _start(self) -> None:
        ours, theirs = self._context.Pipe()
        self.process = self._context.Process(target=_serve, args=(theirs,), daemon=True)
        self.process.start()
        theirs.close()
        self.conn: Connection = ours

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def run(self, args: tuple[Any, ...], timeout: float) -> str:
        """Blocking: the job's answer, or TryAgain when the process died or ran out of time."""
        with self._lock:
            if not self.process.is_alive():  # died while idle: not this check's fault
                self.restart()
            try:
                self.conn.send(args)
                if self.conn.poll(timeout):
                    return str(self.conn.recv())
                reason, message = "timeout", f"the check took longer than {timeout:g} s and was stopped"
            except (EOFError, OSError):
                reason, message = "worker_died", "the grading worker stopped during your check"
            self.restart()
            raise TryAgain(reason, message + "; please try again")

    def restart(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()
        self._start()

    def stop(self) -> None:
        self.conn.close()
        self.process.kill()
        self.process.join()


@dataclass
class _Job:
    args: tuple[Any, ...]
    on_start: Callable[[], None]
    future: asyncio.Future[str] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class FairQueue:
    """Round robin over students into `workers` judge processes; lives on one asyncio loop."""

    def __init__(self, workers: int, max_pending_per_user: int, max_queue: int, timeout: float) -> None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        self.idle = deque(Worker(context) for _ in range(workers))
        self.all = list(self.idle)
        self.queues: OrderedDict[str, deque[_Job]] = OrderedDict()
        self.pending: dict[str, int] = {}  # waiting or running, per student
        self.running: dict[str, int] = {}
        self.max_pending_per_user, self.max_queue, self.timeout = max_pending_per_user, max_queue, timeout

    def waiting(self) -> int:
        return sum(len(q) for q in self.queues.values())

    async def submit(self, user: str, args: tuple[Any, ...], on_start: Callable[[], None] = lambda: None) -> str:
        """The job's JSON text; TryAgain when the student or the service has too much waiting.
        `on_start` is called when a worker takes the job."""
        if self.pending.get(user, 0) >= self.max_pending_per_user:
            raise TryAgain("queue_full", f"you already have {self.max_pending_per_user} checks waiting; "
                                         "try again when they have answered")
        if self.waiting() >= self.max_queue:
            raise TryAgain("queue_full", "the check queue is full; please try again in a minute")
        job = _Job(args, on_start)
        self.queues.setdefault(user, deque()).append(job)
        self.pending[user] = self.pending.get(user, 0) + 1
        self._pump()
        try:
            return await job.future
        finally:
            self.pending[user] -= 1
            if not self.pending[user]:
                del self.pending[user]

    def _pump(self) -> None:
        while self.idle and self.queues:
            # the first student in line among those with the fewest checks running
            user = min(self.queues, key=lambda name: self.running.get(name, 0))
            queue = self.queues.pop(user)
            job = queue.popleft()
            if queue:
                self.queues[user] = queue  # to the back of the line
            self.running[user] = self.running.get(user, 0) + 1
            job.on_start()
            asyncio.ensure_future(self._run(self.idle.popleft(), user, job))

    async def _run(self, worker: Worker, user: str, job: _Job) -> None:
        try:
            answer = await asyncio.to_thread(worker.run, job.args, self.timeout)
        except Exception as exc:  # TryAgain, or a worker that could not be restarted
            if not job.future.done():
                job.future.set_exception(exc if isinstance(exc, TryAgain) else
                                         TryAgain("worker_died", f"the grading worker failed ({type(exc).__name__}); please try again"))
        else:
            if not job.future.done():
                job.future.set_result(answer)
        finally:
            self.running[user] -= 1
            if not self.running[user]:
                del self.running[user]
            self.idle.append(worker)
            self._pump()

    def stop(self) -> None:
        for worker in self.all:
            worker.stop()
