"""The `student` object hidden tests call: `student.reset_gate(X, H, W, U, b)`.

Each call crosses into the sandbox as plain values and comes back decoded and validated by
`protocol.decode`, so a hidden test only ever holds numbers, strings, float arrays and
containers of those (or `Foreign` markers), never an object made by student code.
"""
from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from grucourse.judge import protocol
from grucourse.judge.channel import WorkerGone
from grucourse.judge.runner import NotebookRunner

# Real numbers in a student's exception text may be hidden input values (an f-string of an
# argument): they are blanked before the text reaches feedback. Integers (shapes) stay.
_REAL_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?\d+[eE][-+]?\d+|\b(?:nan|inf)\b")


def redact_numbers(text: str) -> str:
    """`text` with every real number replaced by "…", so feedback never echoes hidden inputs."""
    return _REAL_NUMBER.sub("…", text)


class StudentError(Exception):
    """The student's function could not give a value: it raised, is missing, timed out or
    crashed the sandbox. The message is shown to the student."""


@dataclass
class CallResult:
    """A call's value, the warnings it raised, and its arguments after the call ([args, kwargs])."""

    value: Any
    warnings: list[str]
    args_after: list[Any]


class Student:
    """Proxy for the functions defined by the student's notebook."""

    def __init__(self, runner: NotebookRunner, limits: protocol.Limits | None = None) -> None:
        self._runner = runner
        self._limits = protocol.Limits() if limits is None else limits
        self._timeout: float | None = None

    @contextlib.contextmanager
    def time_limit(self, seconds: float) -> Iterator[None]:
        """Calls inside the block may each take up to `seconds` of wall-clock time instead of the
        sandbox's call_timeout: a hidden test that asks for a training run needs longer. The
        submission's total budget (Sandbox.submission_timeout) and the worker's CPU-time rlimit
        (Sandbox.cpu_seconds) still bound the whole submission."""
        saved, self._timeout = self._timeout, float(seconds)
        try:
            yield
        finally:
            self._timeout = saved

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("_"):
            raise AttributeError(name)

        def function(*args: Any, **kwargs: Any) -> Any:
            return self.call(name, *args, **kwargs).value

        function.__name__ = name
        return function

    def call(self, name: str, *args: Any, **kwargs: Any) -> CallResult:
        """Calls `name(*args, **kwargs)` in the sandbox."""
        if not name.isidentifier():
            raise ValueError(f"not a function name: {name!r}")
        blobs: list[bytes] = []
        message = {"op": "call", "name": name, "args": protocol.encode(list(args), blobs),
                   "kwargs": protocol.encode(kwargs, blobs)}
        try:
            reply, reply_blobs = self._runner.call(message, blobs, self._timeout)
        except WorkerGone as gone:
            raise StudentError(f"{name}: {gone}") from None
        op = reply.get("op")
        if op == "missing":
            raise StudentError(f"{name} is not defined")
        if op == "raised":
            text = redact_numbers(str(reply.get("message"))[:500])
            raise StudentError(f"{name} raised {str(reply.get('type'))[:200]}: {text}")
        try:
            value, after = protocol.decode_all([reply.get("value"), reply.get("args_after")], reply_blobs, self._limits)
        except protocol.ProtocolError as exc:
            raise StudentError(f"{name} returned a value the grader cannot accept: {exc}") from None
        warnings = reply.get("warnings")
        warnings = [str(w)[:300] for w in warnings[:20]] if isinstance(warnings, list) else []
        return CallResult(value, warnings, after if isinstance(after, list) else [])
