"""Runs an assignment's hidden tests in this (trusted) process with `pytest.main`.

In-process is what makes grading fast (no interpreter start, ~20 ms per session). pytest's
global state is guarded by a lock, modules of the tests directory are dropped before and
after each run (a changed test file or another course with the same file names is never
served from `sys.modules`), and only pytest's core plugins needed here are loaded.
"""
from __future__ import annotations

import contextlib
import io
import os
import sys
import threading
from pathlib import Path
from typing import Iterator

import pytest

from grucourse.judge.pytest_plugin import JudgePlugin

_LOCK = threading.Lock()
_UNUSED_PLUGINS = ("cacheprovider", "terminal", "unraisableexception", "threadexception", "legacypath",
                   "doctest", "pastebin", "junitxml", "stepwise", "faulthandler", "logging", "warnings")


class GradingSetupError(RuntimeError):
    """The instructor's side is wrong (hidden tests missing, broken or mislabelled)."""


def _forget_modules(directory: Path) -> None:
    prefix = f"{directory}{os.sep}"
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if isinstance(file, str) and file.startswith(prefix):
            del sys.modules[name]


@contextlib.contextmanager
def _isolated_session(directory: Path) -> Iterator[None]:
    """Global state a pytest session touches, set for this run and restored afterwards."""
    saved_env = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
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
        if saved_env is None:
            os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = saved_env


def run_hidden_tests(directory: Path, plugin: JudgePlugin) -> None:
    """Runs the tests under `directory`, recording outcomes in `plugin`."""
    directory = directory.resolve()
    if not directory.is_dir():
        raise GradingSetupError(f"{directory} does not exist: every code assignment needs hidden tests")
    args = [str(directory), "--rootdir", str(directory), "-c", os.devnull, "--confcutdir", str(directory),
            "--assert=plain", "--capture=no", "--import-mode=importlib", "-o", "python_files=test_*.py"]
    for name in _UNUSED_PLUGINS:
        args += ["-p", f"no:{name}"]
    with _LOCK, _isolated_session(directory):
        pytest.main(args, plugins=[plugin])
    if plugin.collection_errors:
        raise GradingSetupError(f"hidden tests in {directory} do not load:\n" + "\n".join(plugin.collection_errors))
