"""The student's notebook living in a sandboxed worker: cells run once, then calls are served.

A cell that exceeds its time limit or kills the worker is recorded, then skipped: the worker
is restarted and the other cells still run, so one bad cell does not zero the whole notebook.
A call that kills the worker fails alone; the next call restarts the worker lazily (replaying
the surviving cells). Restarts are bounded by `Sandbox.max_restarts`.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import nbformat

from grucourse.judge.channel import WorkerGone, WorkerProcess
from grucourse.judge.sandbox import Sandbox


def _text(value: Any, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


@dataclass
class CellRun:
    """What one code cell printed, showed or raised (already validated plain text)."""

    stdout: str = ""
    stderr: str = ""
    result: str | None = None
    error: tuple[str, str, str] | None = None  # ename, evalue, traceback text
    note: str = ""

    @classmethod
    def from_reply(cls, reply: dict[str, Any], limit: int) -> "CellRun":
        error = reply.get("error")
        dropped = reply.get("dropped")
        run = cls(stdout=_text(reply.get("stdout"), limit), stderr=_text(reply.get("stderr"), limit),
                  result=_text(reply.get("result"), limit) if reply.get("result") is not None else None)
        if isinstance(error, dict):
            run.error = (_text(error.get("ename"), 200), _text(error.get("evalue"), 2000),
                         _text(error.get("traceback"), limit))
        if isinstance(dropped, int) and dropped > 0:
            run.note = f"[output truncated: {dropped} characters dropped]"
        return run

    def outputs(self) -> list[dict[str, Any]]:
        """nbformat output dicts, as a notebook would show them."""
        outputs = []
        if self.stdout:
            outputs.append(nbformat.v4.new_output("stream", name="stdout", text=self.stdout))
        if self.stderr or self.note:
            text = self.stderr + (f"\n{self.note}\n" if self.note else "")
            outputs.append(nbformat.v4.new_output("stream", name="stderr", text=text))
        if self.result is not None:
            outputs.append(nbformat.v4.new_output("execute_result", data={"text/plain": self.result},
                                                  execution_count=None))
        if self.error:
            ename, evalue, tb = self.error
            outputs.append(nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=tb.splitlines()))
        return [dict(output) for output in outputs]


REPLIES = ("value", "raised", "missing")
TOTAL_OUTPUT_CELLS = 10


class NotebookRunner:
    """Runs `cells` ((index in the submitted notebook, source) pairs) in a sandboxed worker."""

    def __init__(self, cells: list[tuple[int, str]], sandbox: Sandbox, log: list[str]) -> None:
        self.cells = cells
        self.sandbox = sandbox
        self.log = log
        self.runs: dict[int, CellRun] = {}
        self.skipped: set[int] = set()
        self.starts = 0
        self.broken = ""
        self.poisoned: dict[str, str] = {}
        self.calls = 0
        self._deadline = 0.0
        self.worker: WorkerProcess | None = None

    def run_cells(self) -> dict[int, CellRun]:
        """Runs the notebook once and returns each cell's outputs."""
        self._boot(record=True)
        return self.runs

    def call(self, message: dict[str, Any], blobs: list[bytes],
             timeout: float | None = None) -> tuple[dict[str, Any], list[bytes]]:
        """Sends one call request and returns the worker's reply; raises WorkerGone. A function
        that ended the worker once is not called again, so each costs at most one restart.
        `timeout` replaces the sandbox's call_timeout for this call (a training run needs more)."""
        limit = self.sandbox.call_timeout if timeout is None else timeout
        name = str(message.get("name"))
        if name in self.poisoned:
            raise WorkerGone(f"{self.poisoned[name]} (in an earlier check; not called again)")
        if self.worker is None:
            self._boot(record=False)
        if self.worker is None:
            raise WorkerGone(self.broken)
        self.calls += 1
        message = {**message, "id": self.calls}
        try:
            self.worker.send(message, blobs, time.monotonic() + limit)
            reply, reply_blobs = self.worker.receive(time.monotonic() + limit, f"the {limit:g} s call")
            if reply.get("id") != self.calls or reply.get("op") not in REPLIES:
                raise worker_gone(self.worker, "the worker sent a reply to a different request")
            return reply, reply_blobs
        except WorkerGone as gone:
            self._note_output()
            self.worker = None
            self.poisoned[name] = str(gone)
            self.log.append(f"call {name!r}: {gone}")
            raise

    def close(self) -> None:
        if self.worker is not None:
            self._note_output()
            self.worker.close()
            self.worker = None

    def _boot(self, record: bool) -> None:
        """Starts a worker and runs the surviving cells, skipping (and restarting after) each
        cell that kills it, until all ran or the restart budget is spent."""
        self._deadline = 0.0  # set when the first worker is ready: start-up is not the notebook's time
        while not self.broken:
            if self.starts > self.sandbox.max_restarts:
                self.broken = f"the notebook crashed the sandbox {self.starts} times; checks after that fail"
                self.log.append(self.broken)
                break
            self.starts += 1
            worker = WorkerProcess(self.sandbox)
            current = self._run_all(worker, record)
            if current is None:
                self.worker = worker
                return
            self.skipped.add(current)
            if self._deadline and time.monotonic() >= self._deadline:
                self.broken = f"the notebook time limit ({self.sandbox.notebook_timeout:g} s) was reached"
                self.log.append(self.broken)
        for index, _ in self.cells:
            if record and index not in self.runs:
                self.runs[index] = CellRun(note=f"[not run: {self.broken}]")

    def _run_all(self, worker: WorkerProcess, record: bool) -> int | None:
        """Runs the cells; returns None on success or the index of the cell that ended the worker
        (-1 if it did not start)."""
        current = -1
        try:
            worker.receive(time.monotonic() + self.sandbox.startup_timeout, "startup")
            self._deadline = self._deadline or time.monotonic() + self.sandbox.notebook_timeout
            deadline = self._deadline
            todo = [(index, source) for index, source in self.cells if index not in self.skipped]
            worker.send({"op": "run", "cells": [{"index": i, "source": s} for i, s in todo]}, [],
                        min(deadline, time.monotonic() + self.sandbox.cell_timeout))
            for index, _ in todo:
                current = index
                cell_deadline = time.monotonic() + self.sandbox.cell_timeout
                what = (f"the {self.sandbox.cell_timeout:g} s cell" if cell_deadline < deadline
                        else f"the {self.sandbox.notebook_timeout:g} s notebook")
                reply, _ = worker.receive(min(deadline, cell_deadline), what)
                if reply.get("op") != "cell" or reply.get("index") != index:
                    raise worker_gone(worker, "the worker sent an unexpected reply")
                if record:
                    self.runs[index] = self._recorded(reply)
            current = -1
            worker.receive(time.monotonic() + self.sandbox.cell_timeout, "the end of the notebook")
            return None
        except WorkerGone as gone:
            self._note_output(worker)
            self.log.append(f"cell {current}: {gone}" if current >= 0 else f"worker start: {gone}")
            if record and current >= 0:
                self.runs[current] = CellRun(note=f"[cell stopped: {gone}]")
            return current

    def _recorded(self, reply: dict[str, Any]) -> CellRun:
        """A cell's outputs within what is left of the notebook's output budget
        (TOTAL_OUTPUT_CELLS times the per-cell limit), so many chatty cells stay bounded too."""
        used = sum(len(r.stdout) + len(r.stderr) + len(r.result or "") + len(r.error[2] if r.error else "")
                   for r in self.runs.values())
        room = TOTAL_OUTPUT_CELLS * self.sandbox.max_output_bytes - used
        run = CellRun.from_reply(reply, max(0, min(self.sandbox.max_output_bytes, room)))
        if room < self.sandbox.max_output_bytes:
            run.note = "[output of this cell dropped or cut: the notebook's output limit was reached]"
        return run

    def _note_output(self, worker: WorkerProcess | None = None) -> None:
        worker = worker or self.worker
        if worker is not None and (worker.output or worker.output_dropped):
            text = worker.output.decode("utf-8", "replace")
            self.log.append(f"raw sandbox output ({worker.output_dropped} bytes dropped):\n{text}")
            worker.output.clear()


def worker_gone(worker: WorkerProcess, reason: str) -> WorkerGone:
    """Ends a worker that broke the protocol."""
    worker.close()
    return WorkerGone(reason)

