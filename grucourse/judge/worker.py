"""Runs a student's notebook code inside the sandbox and answers the grader's calls.

This script is copied into the sandbox next to a copy of `protocol.py` (as
`judge_protocol.py`) and started as `python -I -S judge_worker.py READ_FD WRITE_FD MAX_CHARS
SITE_DIR...`. It uses the standard library, numpy and IPython only, never `grucourse`.
Messages travel on two private pipe fds, not on stdout, so whatever the student prints
cannot corrupt them. Each cell's reply carries the PNGs of the figures it left open in pyplot.
Nothing here is trusted: the grader validates every reply.
"""
from __future__ import annotations

import ast
import contextlib
import io
import linecache
import os
import sys
import tokenize
import traceback
import types
import warnings
from collections.abc import Iterator
from typing import Any

if __name__ == "__main__":  # site-packages first: the protocol copy imports numpy
    sys.path.extend(sys.argv[4:])
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import judge_protocol as protocol  # noqa: E402  (the copy next to this file)


class CappedText:
    """A text stream keeping the first `limit` characters and counting the rest."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.size = 0
        self.dropped = 0

    def write(self, text: Any) -> int:
        text = str(text)
        room = self.limit - self.size
        if room > 0:
            self.parts.append(text[:room])
            self.size += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def getvalue(self) -> str:
        return "".join(self.parts)


class Captured:
    """Redirects sys.stdout/sys.stderr into capped buffers for one cell or call."""

    def __init__(self, limit: int) -> None:
        self.stdout, self.stderr = CappedText(limit), CappedText(limit)

    def __enter__(self) -> Captured:
        self.saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = self.stdout, self.stderr
        return self

    def __exit__(self, *exc: Any) -> None:
        sys.stdout, sys.stderr = self.saved


def _text(value: Any, limit: int = 2000) -> str:
    try:
        return str(value)[:limit]
    except BaseException:
        return "<unprintable>"


def _import_ipython_core() -> None:
    """Makes `IPython.core` importable without running `IPython/__init__.py`, which loads the
    terminal UI (prompt_toolkit, jedi: ~0.4 s of CPU per worker). The package's own code runs
    the first time student code asks `IPython` for anything else than `get_ipython`."""
    import importlib.util

    spec = importlib.util.find_spec("IPython")
    if spec is None or spec.loader is None:
        raise ImportError("IPython")
    loader = spec.loader
    package = importlib.util.module_from_spec(spec)
    sys.modules["IPython"] = package
    from IPython.core.getipython import get_ipython

    def load_rest(name: str) -> Any:
        del package.__getattr__
        loader.exec_module(package)
        return getattr(package, name)

    setattr(package, "get_ipython", get_ipython)  # noqa: B010 - a module attribute mypy cannot see
    setattr(package, "__getattr__", load_rest)  # noqa: B010


class Figures:
    """Shows what a cell drew the way IPython's inline backend does after each cell: every
    figure pyplot still holds is saved as PNG and closed. Nothing happens unless the student
    imported pyplot, so a notebook without plots never loads matplotlib. `spec` holds the
    grader's caps (count per cell, bytes per figure, bytes left for the notebook, dpi, pixels
    per side); the grader checks them again on what arrives."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.max_count = int(spec.get("max_count", 0))
        self.max_bytes = int(spec.get("max_bytes", 0))
        self.room = int(spec.get("total_bytes", 0))
        self.dpi = float(spec.get("dpi", 100))
        self.max_side = int(spec.get("max_side", 1))

    def flush(self) -> tuple[list[bytes], list[str]]:
        """The PNGs of the open figures (at most max_count) and notes on what was not shown."""
        pyplot = sys.modules.get("matplotlib.pyplot")
        images: list[bytes] = []
        notes: list[str] = []
        if pyplot is None:
            return images, notes
        try:
            numbers = list(pyplot.get_fignums())
            for position, number in enumerate(numbers[:self.max_count], 1):
                try:
                    self._render(pyplot.figure(number), position, images, notes)
                except BaseException as exc:
                    notes.append(f"figure {position} could not be drawn: {_text(type(exc).__name__, 100)}: "
                                 f"{_text(exc, 200)}")
            if len(numbers) > self.max_count:
                notes.append(f"{len(numbers) - self.max_count} figures not shown: "
                             f"at most {self.max_count} per cell")
        except BaseException as exc:
            notes.append(f"figures not shown: {_text(type(exc).__name__, 100)}: {_text(exc, 200)}")
        finally:
            with contextlib.suppress(BaseException):
                pyplot.close("all")
        return images, notes

    def _render(self, figure: Any, position: int, images: list[bytes], notes: list[str]) -> None:
        """One figure as PNG, at a dpi that keeps its longer side within max_side pixels."""
        width, height = (float(size) for size in figure.get_size_inches())
        dpi = min(self.dpi, self.max_side / max(width, height, 1e-3))
        if dpi < self.dpi:
            notes.append(f"figure {position} ({width:g} x {height:g} inches) drawn at {dpi:.3g} dpi "
                         f"to stay within {self.max_side} pixels")
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi)
        png = buffer.getvalue()
        if len(png) > self.max_bytes:
            notes.append(f"figure {position} not shown: its PNG has {len(png)} bytes, "
                         f"over the limit of {self.max_bytes} per figure")
        elif len(png) > self.room:
            notes.append(f"figure {position} not shown: the notebook's figure limit was reached")
        else:
            self.room -= len(png)
            images.append(png)


class Cells:
    """Executes cell sources in one namespace: in an IPython shell when the grader says a cell
    needs one (magics, `!`, IPython's names), else with plain `exec`, which shows a cell's last
    expression as IPython does but spares the shell's start-up (~0.15 s of CPU per worker)."""

    def __init__(self, limit: int, ipython: bool) -> None:
        self.limit = limit
        self.result: str | None = None
        self.error: dict[str, str] | None = None
        self.shell = None
        if ipython:
            with contextlib.suppress(ImportError):
                self.shell = self._make_shell()
        self.namespace = self.shell.user_ns if self.shell is not None else _main_namespace()

    def _make_shell(self) -> Any:
        _import_ipython_core()
        from IPython.core.displayhook import DisplayHook
        from IPython.core.interactiveshell import InteractiveShell
        from traitlets.config import Config

        cells = self

        class ResultHook(DisplayHook):
            def write_output_prompt(self) -> None:
                pass

            def write_format_data(self, format_dict: dict, md_dict: Any = None) -> None:
                cells.result = _text(format_dict.get("text/plain", ""), cells.limit)

            def finish_displayhook(self) -> None:
                pass

        class JudgeShell(InteractiveShell):
            displayhook_class = ResultHook

            def init_completer(self) -> None:
                """Tab completion is never used here; skipping it avoids importing jedi."""

            def enable_matplotlib(self, gui: Any = None) -> tuple[Any, str]:
                """`%matplotlib inline` (or any backend) keeps pyplot on the sandbox's Agg backend:
                the cell's figures are shown after it runs, as the inline backend would."""
                import matplotlib.pyplot  # noqa: F401  (the student asked for it)

                return gui, "agg"

            def _showtraceback(self, etype: Any, evalue: Any, stb: Any) -> None:
                cells.error = {"ename": _text(getattr(etype, "__name__", etype), 200),
                               "evalue": _text(evalue),
                               "traceback": _text(self.InteractiveTB.stb2text(stb), cells.limit)}

        config = Config()
        config.HistoryManager.enabled = False
        config.InteractiveShell.colors = "NoColor"
        return JudgeShell(config=config)

    def run(self, index: int, source: str, figures: Figures) -> tuple[dict[str, Any], list[bytes]]:
        """The cell's reply; its blobs are the PNGs of the figures it left open."""
        self.result, self.error = None, None
        with Captured(self.limit) as out:
            if self.shell is not None:
                self.shell.run_cell(source, store_history=True)
            else:
                self._exec(index, source)
            images, notes = figures.flush()
        return {"op": "cell", "index": index, "stdout": out.stdout.getvalue(), "stderr": out.stderr.getvalue(),
                "result": self.result, "error": self.error, "figure_notes": notes,
                "dropped": out.stdout.dropped + out.stderr.dropped}, images

    def _exec(self, index: int, source: str) -> None:
        """Runs the cell like IPython's default `last_expr` mode: a final expression statement is
        evaluated and, unless None or silenced by a trailing `;`, shown as IPython would show it.
        The source is put in linecache so tracebacks quote the cell's lines."""
        filename = f"<cell {index}>"
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        try:
            body = ast.parse(source, filename).body
            last = body[-1] if body and isinstance(body[-1], ast.Expr) else None
            if last is not None:
                body.pop()
            exec(compile(ast.Module(body, []), filename, "exec", dont_inherit=True), self.namespace)
            if last is not None:
                value = eval(compile(ast.Expression(last.value), filename, "eval", dont_inherit=True), self.namespace)
                if value is not None and not _ends_with_semicolon(source):
                    self.result = _text(_plain_text(value), self.limit)
        except BaseException as exc:
            self.error = {"ename": _text(type(exc).__name__, 200), "evalue": _text(exc),
                          "traceback": _text(_cell_traceback(exc), self.limit)}


def _main_namespace() -> dict[str, Any]:
    """A fresh `__main__` module for the cells, as IPython makes one (pickle, dataclasses and
    `import __main__` find the student's definitions there)."""
    module = types.ModuleType("__main__")
    sys.modules["__main__"] = module
    return module.__dict__


def _ends_with_semicolon(source: str) -> bool:
    """IPython's rule for silencing a cell's result: its last token (comments aside) is `;`."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return False
    skipped = (tokenize.ENDMARKER, tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.DEDENT)
    last = next((token for token in reversed(tokens) if token.type not in skipped), None)
    return last is not None and last.type == tokenize.OP and last.string == ";"


def _plain_text(value: Any) -> str:
    """IPython's text/plain form of a value (its pretty printer, 79 columns), or repr()
    without IPython."""
    try:
        if "IPython" not in sys.modules:
            _import_ipython_core()
        from IPython.lib.pretty import pretty
    except ImportError:
        return repr(value)
    return pretty(value, max_width=79)


def _cell_traceback(exc: BaseException) -> str:
    """The traceback from the cell's own frames on (this module's frame dropped)."""
    tb = exc.__traceback__
    if tb is not None and tb.tb_frame.f_globals is globals():
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(exc), exc, tb))


def call(namespace: dict[str, Any], message: dict[str, Any], blobs: list[bytes], limit: int) -> tuple[dict, list]:
    """Calls a student function on decoded arguments, recording warnings and the arguments after."""
    import numpy as np

    name = str(message.get("name"))
    func = namespace.get(name)
    if name not in namespace:
        return {"op": "missing"}, []
    if not callable(func):
        return {"op": "raised", "type": "TypeError",
                "message": f"{name} is not a function (it is {protocol._type_name(func)})"}, []
    args, kwargs = protocol.decode_all([message["args"], message["kwargs"]], blobs, protocol.REQUESTS)
    args = list(args)
    for position, arg in enumerate(args):
        if type(arg) is protocol.Probe:
            args[position] = arg.build(args, kwargs)
    for key, arg in kwargs.items():
        if type(arg) is protocol.Probe:
            kwargs[key] = arg.build(args, kwargs)
    with Captured(limit), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with np.errstate(divide="warn", over="warn", invalid="warn", under="ignore"):
                value = func(*args, **kwargs)
        except BaseException as exc:
            return {"op": "raised", "type": _text(type(exc).__name__, 200), "message": _text(exc, 500)}, []
    out: list[bytes] = []
    reply = {"op": "value", "value": _encode(value, out), "args_after": _encode([args, kwargs], out),
             "warnings": [_text(f"{getattr(w.category, '__name__', 'Warning')}: {w.message}", 300)
                          for w in caught[:20]]}
    return reply, out


def _encode(value: Any, blobs: list[bytes]) -> Any:
    try:
        return protocol.encode(value, blobs)
    except BaseException:
        return {"t": "foreign", "type": "object"}


class Connection:
    """Framed messages over the two pipe fds given by the grader."""

    def __init__(self, read_fd: int, write_fd: int) -> None:
        self.read_fd, self.write_fd = read_fd, write_fd

    def send(self, message: dict[str, Any], blobs: list[bytes] = ()) -> None:  # type: ignore[assignment]
        data = memoryview(protocol.pack(message, blobs))
        while data:
            data = data[os.write(self.write_fd, data):]

    def messages(self) -> Iterator[tuple[dict[str, Any], list[bytes]]]:
        reader = protocol.FrameReader(protocol.REQUESTS)
        while True:
            chunk = os.read(self.read_fd, 1 << 20)
            if not chunk:
                return
            yield from reader.feed(chunk)


def serve(connection: Connection, limit: int) -> None:
    """Says hello once ready, then runs cells ("run", which says whether they need IPython)
    and answers calls ("call") until EOF."""
    cells: Cells | None = None
    connection.send({"op": "hello"})
    for message, blobs in connection.messages():
        if message["op"] == "run":
            cells = cells or Cells(limit, message.get("ipython") is not False)
            figures = Figures(message.get("figures") or {})
            for cell in message["cells"]:
                connection.send(*cells.run(int(cell["index"]), str(cell["source"]), figures))
            connection.send({"op": "ran"})
        else:
            reply, reply_blobs = call(cells.namespace if cells else {}, message, blobs, limit)
            connection.send({**reply, "id": message.get("id")}, reply_blobs)


def main(argv: list[str]) -> None:
    read_fd, write_fd, limit = int(argv[1]), int(argv[2]), int(argv[3])
    serve(Connection(read_fd, write_fd), limit)


if __name__ == "__main__":
    main(sys.argv)
