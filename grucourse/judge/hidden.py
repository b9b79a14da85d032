"""Runs an assignment's hidden tests in this (trusted) process, in a pytest session kept open.

In-process is what makes grading fast (no interpreter start). Configuring pytest and
collecting the tests costs more than running them against one submission, so a session is
collected once per tests folder and kept open in a thread of its own (`KeptSession`): each
submission then runs the collected tests again, fixtures set up and torn down as in a fresh
session, its outcomes recorded in its own JudgePlugin. A session is reused only while every
file of the folder (and the files beside it in grading_tests/) has the content it was collected
from; any change collects anew. pytest's global state is guarded by a lock, modules of the tests
folder are dropped from `sys.modules` before a session collects and once it has (another
course's file of the same name is never served from `sys.modules`), and only pytest's core
plugins needed here are loaded.

The session loads only what the instructor built: the folder must match
grading_tests/MANIFEST.sha256 (`grucourse.judge.manifest`), pytest is given the test modules by
name, reads no conftest.py and no ini file (pytest.ini, pyproject.toml, tox.ini, setup.cfg),
ignores PYTEST_ADDOPTS and PYTEST_PLUGINS, and Python reads no bytecode from __pycache__
folders next to the tests (a planted .pyc would otherwise run in place of its source).
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import os
import queue
import stat
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from grucourse.judge.errors import GradingSetupError
from grucourse.judge.manifest import (
    REBUILD,
    TreeProblem,
    hidden_test_modules,
    manifest_text,
    verify,
)
from grucourse.judge.pytest_plugin import JudgePlugin, SessionPlugin

_LOCK = threading.Lock()
_IGNORED_ENVIRONMENT = ("PYTEST_ADDOPTS", "PYTEST_PLUGINS")
_UNUSED_PLUGINS = ("cacheprovider", "terminal", "unraisableexception", "threadexception", "legacypath",
                   "doctest", "pastebin", "junitxml", "stepwise", "faulthandler", "logging", "warnings")
KEPT_SESSIONS = 4
"""Open sessions per process (one per tests folder in use); the oldest closes beyond that."""


def _forget_modules(directory: Path, among: Iterable[str] | None = None) -> None:
    """Drops from sys.modules the modules loaded from `directory` (only those named `among`)."""
    prefix = f"{directory}{os.sep}"
    for name in list(sys.modules if among is None else among):
        module = sys.modules.get(name)
        file = vars(module).get("__file__") if module is not None and hasattr(module, "__dict__") else None
        if isinstance(file, str) and file.startswith(prefix):
            del sys.modules[name]


@contextlib.contextmanager
def _isolated_session(directory: Path) -> Iterator[None]:
    """Global state a pytest session touches, set while it collects or runs and restored after;
    modules it imported from `directory` meanwhile (a test's late import) are dropped after."""
    saved_env = {name: os.environ.pop(name, None) for name in ("PYTEST_DISABLE_PLUGIN_AUTOLOAD", *_IGNORED_ENVIRONMENT)}
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    saved_prefix = sys.pycache_prefix
    sys.pycache_prefix = _private_pycache()
    sys.path.insert(0, str(directory))
    loaded = set(sys.modules)
    # A host pytest session (e.g. a test suite calling the judge) rewrites asserts of every
    # test_*.py imported; rewritten messages would show hidden inputs to the student.
    rewriters = [hook for hook in sys.meta_path if type(hook).__name__ == "AssertionRewritingHook"]
    sys.meta_path[:] = [hook for hook in sys.meta_path if hook not in rewriters]
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            yield
    finally:
        sys.meta_path[:0] = rewriters
        _forget_modules(directory, set(sys.modules) - loaded)
        sys.path.remove(str(directory))
        sys.pycache_prefix = saved_prefix
        for name, value in saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


_PYCACHE: list[str] = []


def _private_pycache() -> str:
    """The grader's own bytecode folder (sys.pycache_prefix) during a session: bytecode is read
    and written there, never in a __pycache__ folder next to the hidden tests. One per user in
    the temporary directory (mode 0700, owned by the grader, else a fresh one), so modules first
    imported by the tests are compiled once, not once per process."""
    if not _PYCACHE:
        path = Path(tempfile.gettempdir()) / f"grucourse-pycache-{os.geteuid()}"
        with contextlib.suppress(FileExistsError):
            path.mkdir(mode=0o700)
        info = os.lstat(path)
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o077:
            path = Path(tempfile.mkdtemp(prefix="grucourse-pycache-"))
        _PYCACHE.append(str(path))
    return _PYCACHE[0]


class SessionEnded(RuntimeError):
    """The kept session's thread is gone (pytest stopped): the submission is run in a new one."""


def run_items(session: pytest.Session) -> None:
    """pytest's own run loop over the collected tests: each torn down after the last needs it,
    everything (session-scoped fixtures too) after the last test."""
    items = session.items
    for index, item in enumerate(items):
        nextitem = items[index + 1] if index + 1 < len(items) else None
        item.config.hook.pytest_runtest_protocol(item=item, nextitem=nextitem)


class KeptSession:
    """One pytest session over a tests folder, collected once in its own thread, then run for
    one submission at a time (`run`) until `close`."""

    def __init__(self, directory: Path, args: list[str]) -> None:
        self.directory = directory
        self.owner = os.getpid()  # a forked child has the object but not the thread
        self.plugin = SessionPlugin(self._serve)
        self._jobs: queue.Queue[JudgePlugin | None] = queue.Queue()
        self._finished: queue.Queue[BaseException | None] = queue.Queue()
        self._collected = threading.Event()
        self.alive = True
        _forget_modules(directory)
        self._thread = threading.Thread(target=self._main, args=(args,), daemon=True,
                                        name=f"grucourse-hidden-tests-{directory.name}")
        with _isolated_session(directory):
            self._thread.start()
            self._collected.wait()

    def _main(self, args: list[str]) -> None:
        try:
            pytest.main(args, plugins=[self.plugin])
        finally:
            self.alive = False
            self._collected.set()
            self._finished.put(SessionEnded("the hidden tests' pytest session ended"))

    def _serve(self, session: pytest.Session) -> None:
        """The session's run loop: after collection, one run of every test per submission."""
        self._collected.set()
        if self.plugin.collection_errors:
            return
        while (judge := self._jobs.get()) is not None:
            self.plugin.current = judge
            try:
                run_items(session)
                error = None
            except BaseException as exc:  # reported to the caller; pytest itself catches test errors
                error = exc
            finally:
                self.plugin.current = None
            self._finished.put(error)

    def run(self, judge: JudgePlugin) -> None:
        """Runs every collected test for the submission `judge` records; raises SessionEnded if
        the session's thread is gone. A caller interrupted meanwhile leaves the session closed."""
        if not self.alive:
            raise SessionEnded("the hidden tests' pytest session ended")
        self._jobs.put(judge)
        try:
            error = self._finished.get()
        except BaseException:
            self.close(wait=False)  # its tests may still be running
            raise
        if error is not None:
            self.close()
            raise error

    def close(self, wait: bool = True) -> None:
        """Ends the session; with `wait`, once pytest has finished it (its end-of-session hooks
        then never run beside another session's tests)."""
        if self.alive:
            self.alive = False
            self._jobs.put(None)
        if wait and self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=30)


_SESSIONS: dict[tuple[Path, str], KeptSession] = {}


def _folder_contents(directory: Path) -> str | None:
    """What a session is collected from: every file of the folder and beside it in
    grading_tests/, by SHA-256; None when the folder holds links (no session is kept then)."""
    try:
        text = manifest_text(directory)
    except TreeProblem:
        return None
    beside = sorted(p for p in directory.parent.iterdir() if p.is_file() and not p.is_symlink())
    return text + "".join(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  ../{p.name}\n" for p in beside)


def _session(directory: Path, args: list[str]) -> tuple[KeptSession, bool]:
    """The open session for this folder's current contents (closing those it replaces), and
    whether it is kept open after this run."""
    contents = _folder_contents(directory)
    for key, kept in list(_SESSIONS.items()):
        if kept.owner != os.getpid() or not kept.alive or (key[0] == directory and key[1] != contents):
            del _SESSIONS[key]
            if kept.owner == os.getpid():
                kept.close()
    if contents is None:
        return KeptSession(directory, args), False
    key = (directory, contents)
    if key not in _SESSIONS:
        while len(_SESSIONS) >= KEPT_SESSIONS:
            _SESSIONS.pop(next(iter(_SESSIONS))).close()
        _SESSIONS[key] = KeptSession(directory, args)
    return _SESSIONS[key], True


def run_hidden_tests(directory: Path, plugin: JudgePlugin) -> None:
    """Runs the tests under `directory`, recording outcomes in `plugin`."""
    directory = directory.resolve()
    if not directory.is_dir():
        raise GradingSetupError(f"{directory} does not exist: every code assignment needs hidden tests")
    problems = verify(directory.parent, directory.name)
    if problems:
        raise GradingSetupError(f"the hidden tests of {directory.name} are not those recorded by `grucourse build`, "
                                f"nothing was graded: {'; '.join(problems)} ({REBUILD})")
    packages = [p for p in (directory.parent / "__init__.py", *directory.rglob("__init__.py")) if p.exists()]
    if packages:  # pytest would import a package's __init__.py before the tests, whatever it holds
        raise GradingSetupError(f"hidden tests must not be a package, nothing was graded: remove "
                                f"{', '.join(str(p) for p in packages)}")
    modules = hidden_test_modules(directory)
    if not modules:
        raise GradingSetupError(f"{directory} holds no test_*.py: every code assignment needs hidden tests")
    args = [*map(str, modules), "--rootdir", str(directory), "-c", os.devnull, "--confcutdir", str(directory),
            "--noconftest", "--assert=plain", "--capture=no", "--import-mode=importlib",
            "-o", "python_files=test_*.py"]
    for name in _UNUSED_PLUGINS:
        args += ["-p", f"no:{name}"]
    with _LOCK:
        for attempt in range(2):  # a session whose thread ended is replaced once
            session, kept = _session(directory, args)
            if session.plugin.collection_errors:
                session.close()
                raise GradingSetupError(f"hidden tests in {directory} do not load:\n"
                                        + "\n".join(session.plugin.collection_errors))
            try:
                with _isolated_session(directory):
                    session.run(plugin)
                break
            except SessionEnded:
                if attempt:
                    raise GradingSetupError(f"the pytest session of the hidden tests in {directory} "
                                            "stopped before running them") from None
            finally:
                if not kept:
                    session.close()
