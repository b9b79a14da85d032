"""The student's notebook living in a sandboxed worker: cells run once, then calls are served.

A cell that exceeds its time limit or kills the worker is recorded, then skipped: the worker
is restarted and the other cells still run, so one bad cell does not zero the whole notebook.
A call that kills the worker fails alone; the next call restarts the worker lazily (replaying
the surviving cells). Restarts are bounded by `Sandbox.max_restarts`, and everything together
by `Sandbox.submission_timeout` and by what the grader reads from the workers (`protocol.Budget`,
shared by every worker of the submission): once either is spent, later calls fail at once.

Figures a cell leaves open come back as PNG blobs; each is checked (`figures.accept_figures`)
before it becomes a `display_data` output.
"""
from __future__ import annotations

import ast
import re
import time
from dataclasses import dataclass, field
from typing import Any

import nbformat

from grucourse.judge import protocol
from grucourse.judge.channel import WorkerGone, WorkerProcess
from grucourse.judge.figures import FIGURE_DPI, FIGURE_MAX_SIDE, Figure, accept_figures
from grucourse.judge.sandbox import Sandbox

MAX_FIGURE_NOTES = 20


IPYTHON_NAMES = re.compile(
    r"\b(?:get_ipython|display|In|Out|exit|quit|IPython|__future__|__builtins?__|open|globals|locals|vars|dir"
    r"|eval|exec|_i{1,3}|_i?\d+|_oh|_ih|_dh)\b")
"""Words that make a cell need IPython: names its shell puts in the namespace or replaces
(`open`), ways to reach them indirectly, and `__future__` (IPython keeps future flags across
cells). Matched anywhere, strings and comments too, so a doubtful cell gets IPython."""
LAST_OUTPUTS = ("_", "__", "___")
"""IPython's last outputs; a cell may assign them (`for _ in ...`) but reading one needs IPython."""
LAST_OUTPUT_WORD = re.compile(r"(?<![\w])_{1,3}(?![\w])")
"""A cell without such a word cannot read one (walking its syntax tree is then skipped)."""


def needs_ipython(sources: list[str]) -> bool:
    """Whether the cells must run in an IPython shell rather than with plain `exec`: a cell
    that is not plain Python (magics, `!`, `?`), uses one of IPYTHON_NAMES or reads `_`."""
    for source in sources:
        if IPYTHON_NAMES.search(source):
            return True
        try:  # compiled too: a top-level `await` parses but only IPython runs it
            tree = ast.parse(source)
            compile(tree, "<cell>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            return True
        if LAST_OUTPUT_WORD.search(source) and any(
                isinstance(node, ast.Name) and node.id in LAST_OUTPUTS and isinstance(node.ctx, ast.Load)
                for node in ast.walk(tree)):
            return True
    return False


def _text(value: Any, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


@dataclass
class CellRun:
    """What one code cell printed, showed or raised (already validated plain text and PNGs)."""

    stdout: str = ""
    stderr: str = ""
    result: str | None = None
    error: tuple[str, str, str] | None = None  # ename, evalue, traceback text
    note: str = ""
    figures: list[Figure] = field(default_factory=list)

    def add_notes(self, notes: list[str]) -> None:
        self.note = "\n".join([self.note, *notes] if self.note else notes)

    @classmethod
    def from_reply(cls, reply: dict[str, Any], limit: int) -> CellRun:
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
        return [dict(output) for output in outputs] + [figure.output() for figure in self.figures]


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
        self._submission_end: float | None = None  # set when the first worker starts
        self.worker: WorkerProcess | None = None
        self.replies = protocol.Budget()
        self.ipython = needs_ipython([source for _, source in cells])  # decided once, so replays match

    @property
    def over_budget_message(self) -> str:
        return (f"the submission's total time limit of {self.sandbox.submission_timeout:g} s was reached; "
                "later checks were not run")

    def run_cells(self) -> dict[int, CellRun]:
        """Runs the notebook once and returns each cell's outputs."""
        self._boot(record=True)
        return self.runs

    def call(self, message: dict[str, Any], blobs: list[bytes],
             timeout: float | None = None) -> tuple[dict[str, Any], list[bytes]]:
        """Sends one call request and returns the worker's reply; raises WorkerGone. A function
        that ended the worker once is not called again, so each costs at most one restart.
        `timeout` replaces the sandbox's call_timeout for this call (a training run needs more);
        either way the call ends when the submission's time budget does."""
        limit = self.sandbox.call_timeout if timeout is None else timeout
        name = str(message.get("name"))
        self._check_budget()
        if name in self.poisoned:
            raise WorkerGone(f"{self.poisoned[name]} (in an earlier check; not called again)")
        if self.worker is None:
            self._boot(record=False)
        self._check_budget()
        if self.worker is None:
            raise WorkerGone(self.broken)
        self.calls += 1
        message = {**message, "id": self.calls}
        try:
            self.worker.send(message, blobs, self._capped(time.monotonic() + limit))
            reply, reply_blobs = self.worker.receive(self._capped(time.monotonic() + limit), f"the {limit:g} s call")
            if reply.get("id") != self.calls or reply.get("op") not in REPLIES:
                raise worker_gone(self.worker, "the worker sent a reply to a different request")
            return reply, reply_blobs
        except WorkerGone as gone:
            self._note_output()
            self.worker = None
            self._check_budget()
            self.poisoned[name] = str(gone)
            self.log.append(f"call {name!r}: {gone}")
            raise

    def close(self) -> None:
        if self.worker is not None:
            self._note_output()
            self.worker.close()
            self.worker = None

    def _capped(self, deadline: float) -> float:
        """`deadline`, or the end of the submission's time budget if that comes first."""
        return deadline if self._submission_end is None else min(deadline, self._submission_end)

    def _over_budget(self) -> bool:
        """Whether the submission's time or reply budget is spent; the first time, ends the
        worker and says so."""
        if self.replies.spent:
            message = f"{self.replies.message}; later checks were not run"
        elif self._submission_end is not None and time.monotonic() >= self._submission_end:
            message = self.over_budget_message
        else:
            return False
        if self.broken != message:
            self.close()
            self.broken = message
            self.log.append(message)
        return True

    def _check_budget(self) -> None:
        if self._over_budget():
            raise WorkerGone(self.broken) from None

    def _boot(self, record: bool) -> None:
        """Starts a worker and runs the surviving cells, skipping (and restarting after) each
        cell that kills it, until all ran or the restart budget is spent."""
        self._deadline = 0.0  # set when the first worker is ready: start-up is not the notebook's time
        while not self.broken and not self._over_budget():
            if self.starts > self.sandbox.max_restarts:
                self.broken = f"the notebook crashed the sandbox {self.starts} times; checks after that fail"
                self.log.append(self.broken)
                break
            self.starts += 1
            if self._submission_end is None:
                self._submission_end = time.monotonic() + self.sandbox.submission_timeout
            worker = WorkerProcess(self.sandbox, self.replies)
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
        current = -1  # each wait below ends at the earliest of its deadlines, named in the reason
        budget = (self._capped(float("inf")), f"the submission's total {self.sandbox.submission_timeout:g} s")
        try:
            worker.receive(*min((time.monotonic() + self.sandbox.startup_timeout, "startup"), budget))
            self._deadline = self._deadline or time.monotonic() + self.sandbox.notebook_timeout
            notebook = (self._deadline, f"the {self.sandbox.notebook_timeout:g} s notebook")
            todo = [(index, source) for index, source in self.cells if index not in self.skipped]
            if record:  # after a restart, what these cells showed before no longer counts
                for index, _ in todo:
                    self.runs.pop(index, None)
            worker.send({"op": "run", "cells": [{"index": i, "source": s} for i, s in todo],
                         "ipython": self.ipython, "figures": self._figure_spec(record)}, [],
                        min(notebook, budget, (time.monotonic() + self.sandbox.cell_timeout, ""))[0])
            for index, _ in todo:
                current = index
                cell = (time.monotonic() + self.sandbox.cell_timeout, f"the {self.sandbox.cell_timeout:g} s cell")
                reply, figures = worker.receive(*min(cell, notebook, budget))
                if reply.get("op") != "cell" or reply.get("index") != index:
                    raise worker_gone(worker, "the worker sent an unexpected reply")
                if record:
                    self.runs[index] = self._recorded(reply, figures)
            current = -1
            worker.receive(*min((time.monotonic() + self.sandbox.cell_timeout, "the end of the notebook"), budget))
            return None
        except WorkerGone as gone:
            self._note_output(worker)
            self.log.append(f"cell {current}: {gone}" if current >= 0 else f"worker start: {gone}")
            if record and current >= 0:
                self.runs[current] = CellRun(note=f"[cell stopped: {gone}]")
            return current

    def _figure_spec(self, record: bool) -> dict[str, Any]:
        """The caps the worker applies when it draws figures (none drawn when replaying cells)."""
        room = min(self._figure_room(), protocol.Limits().max_frame_bytes // 2)
        return {"max_count": self.sandbox.max_figures_per_cell if record else 0,
                "max_bytes": self.sandbox.max_figure_bytes, "total_bytes": room,
                "dpi": FIGURE_DPI, "max_side": FIGURE_MAX_SIDE}

    def _figure_room(self) -> int:
        used = sum(len(figure.png) for run in self.runs.values() for figure in run.figures)
        return max(0, self.sandbox.max_notebook_figure_bytes - used)

    def _recorded(self, reply: dict[str, Any], blobs: list[bytes]) -> CellRun:
        """A cell's outputs within what is left of the notebook's output budget
        (TOTAL_OUTPUT_CELLS times the per-cell limit) and figure budget, so many chatty or
        plotting cells stay bounded too."""
        used = sum(len(r.stdout) + len(r.stderr) + len(r.result or "") + len(r.error[2] if r.error else "")
                   for r in self.runs.values())
        room = TOTAL_OUTPUT_CELLS * self.sandbox.max_output_bytes - used
        run = CellRun.from_reply(reply, max(0, min(self.sandbox.max_output_bytes, room)))
        if room < self.sandbox.max_output_bytes:
            run.note = "[output of this cell dropped or cut: the notebook's output limit was reached]"
        notes = reply.get("figure_notes")
        notes = notes[:MAX_FIGURE_NOTES] if isinstance(notes, list) else []
        run.figures, dropped = accept_figures(blobs, self.sandbox, self._figure_room())
        run.add_notes([f"[{_text(note, 300)}]" for note in notes if isinstance(note, str)] + dropped)
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

