"""Runs an assignment's hidden tests in this (trusted) process with `pytest.main`.

In-process is what makes grading fast (no interpreter start, ~20 ms per session). pytest's
global state is guarded by a lock, modules of the tests directory are dropped before and
after each run (a changed test file or another course with the same file names is never
served from `sys.modules`), and only pytest's core plugins needed here are loaded.

The session loads only what the instructor built: the folder must match
grading_tests/MANIFEST.sha256 (`grucourse.judge.manifest`), pytest is given the test modules by
name, reads no conftest.py and no ini file (pytest.ini, pyproject.toml, tox.ini, setup.cfg),
ignores PYTEST_ADDOPTS and PYTEST_PLUGINS, and Python reads no bytecode from __pycache__
folders next to the tests (a planted .pyc would otherwise run in place of its source).
"""
from __future__ import annotations

import contextlib
import io
import os
import stat
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from grucourse.judge.errors import GradingSetupError
from grucourse.judge.manifest import REBUILD, hidden_test_modules, verify
from grucourse.judge.pytest_plugin import JudgePlugin

_LOCK = threading.Lock()
_IGNORED_ENVIRONMENT = ("PYTEST_ADDOPTS", "PYTEST_PLUGINS")
_UNUSED_PLUGINS = ("cacheprovider", "terminal", "unraisableexception", "threadexception", "legacypath",
                   "doctest", "pastebin", "junitxml", "stepwise", "faulthandler", "logging", "warnings")


def _forget_modules(directory: Path) -> None:
    prefix = f"{directory}{os.sep}"
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if isinstance(file, str) and file.startswith(prefix):
            del sys.modules[name]


@contextlib.contextmanager
def _isolated_session(directory: Path) -> Iterator[None]:
    """Global state a pytest session touches, set for this run and restored afterwards."""
    saved_env = {name: os.environ.pop(name, None) for name in ("PYTEST_DISABLE_PLUGIN_AUTOLOAD", *_IGNORED_ENVIRONMENT)}
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    saved_prefix = sys.pycache_prefix
    sys.pycache_prefix = _private_pycache()
    sys.path.insert(0, str(directory))
    _forget_modules(directory)
    # A host pytest session (e.g. a test suite calling the judge) rewrites asserts of every
    # test_*.py imported; rewritten messages would show hidden inputs to the student.
    rewriters = [hook for hook in sys.meta_path if type(hook).__name__ == "AssertionRewritingHook"]
    sys.meta_path[:] = [hook for hook in sys.meta_path if hook not in rewriters]
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            yield
    finally:
        sys.meta_path[:0] = rewriters
        _forget_modules(directory)
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
    with _LOCK, _isolated_session(directory):
        pytest.main(args, plugins=[plugin])
    if plugin.collection_errors:
        raise GradingSetupError(f"hidden tests in {directory} do not load:\n" + "\n".join(plugin.collection_errors))
