"""The trusted pytest session that runs hidden tests against one submission at a time.

`SessionPlugin` provides the `student` and `rng` fixtures and the `grade_id` / `weight` /
`requires_values` / `judges_values` markers; the `JudgePlugin` of the submission being graded
turns each test's outcome into a CheckResult whose message is only what the student may see:
the test's own assertion message or the StudentError text, never pytest's repr of locals or a
traceback of hidden code. Everything else goes to the instructor log.
"""
from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pytest

from grucourse.judge.student import Student, StudentError
from grucourse.results import CASE_SEPARATOR, CheckResult

MARKERS = (
    "grade_id(name): the graded cell (source grade_id) these tests score",
    "weight(w): share of the cell's points carried by this test (default 1)",
    "requires_values(*tests): counted only when every run of these tests of the same module passed "
    "(a property such as 'inputs unchanged' or a shape is worth nothing for a function that computes nothing)",
    "judges_values(why): a check of the returned values that has no reference array to compare with "
    "(data properties, a trained model's error)",
)
REQUIRES = "requires_values"


def required_names(item: pytest.Item) -> tuple[str, ...]:
    """The test functions (of the item's module) whose every run must pass for `item` to count."""
    return tuple(str(name) for mark in item.iter_markers(REQUIRES) for name in mark.args)


def order_after_requirements(items: list[pytest.Item]) -> tuple[list[pytest.Item], dict[str, list[str]], list[str]]:
    """`items` reordered so that each runs after the tests it requires (otherwise in their order),
    the node ids each item requires, and the problems (unknown names, cycles)."""
    by_function: dict[tuple[str, str], list[str]] = {}
    for item in items:
        by_function.setdefault((str(item.path), getattr(item, "originalname", item.name)), []).append(item.nodeid)
    requires: dict[str, list[str]] = {}
    problems: list[str] = []
    for item in items:
        for name in required_names(item):
            found = by_function.get((str(item.path), name))
            if not found or item.nodeid in found:
                problems.append(f"{item.nodeid}: requires_values({name!r}) names no other test of its module")
            requires.setdefault(item.nodeid, []).extend(found or [])
    ordered: list[pytest.Item] = []
    placed: set[str] = set()
    pending = list(items)
    while pending:
        ready = next((item for item in pending if placed.issuperset(requires.get(item.nodeid, ()))), None)
        if ready is None:
            problems.append(f"requires_values forms a cycle among {[item.nodeid for item in pending]}")
            ordered += pending
            break
        pending.remove(ready)
        ordered.append(ready)
        placed.add(ready.nodeid)
    return ordered, requires, problems


@dataclass
class Outcome:
    """One hidden test after it ran: which cell it scores and the student-facing result."""

    grade_id: str | None
    check: CheckResult
    skipped: bool = False


def check_name(item: pytest.Item) -> str:
    """The check's title, the same for every parametrized case: the test docstring's first line,
    or its name without `test_`."""
    doc = getattr(getattr(item, "function", None), "__doc__", None)
    if doc and doc.strip():
        return doc.strip().splitlines()[0]
    return getattr(item, "originalname", item.name).removeprefix("test_").replace("_", " ")


_ID_WORD = re.compile(r"([A-Za-z]+)(\d+)")


def case_label(item: pytest.Item) -> str:
    """The parametrized case in words, from what pytest's ids already show (never other values):
    the arguments when all are ints, strings or shapes ("n=4, h=3" rather than "4-3"), else the
    ids with `n3` read as "n=3" and `row_bias` as "row bias"."""
    callspec = getattr(item, "callspec", None)
    if callspec is None:
        return ""
    shown = [_shown(name, value) for name, value in callspec.params.items()]
    if all(shown):
        return CASE_SEPARATOR.join(shown)
    parts = []
    for piece in callspec.id.split("-"):
        words = [_ID_WORD.fullmatch(word) for word in piece.split("_")]
        parts += [f"{m[1]}={m[2]}" for m in words if m]
        rest = " ".join(word for word, m in zip(piece.split("_"), words, strict=True) if not m)
        parts += [rest] if rest else []
    return CASE_SEPARATOR.join(parts)


def _shown(name: str, value: object) -> str:
    """`name=value` for an int, a string or a shape; "" for anything else."""
    if isinstance(value, (int, str)):
        return f"{name}={value}"
    if isinstance(value, tuple) and all(isinstance(v, int) for v in value):
        return f"{name}={value}".replace(" ", "")  # "(1,5)": the case separator stays unambiguous
    return ""


def _raised_in_library(excinfo: pytest.ExceptionInfo[BaseException]) -> bool:
    """numpy.testing and unittest assertion messages print the compared arrays (hidden values)."""
    module = str(excinfo.traceback[-1].frame.f_globals.get("__name__", "")) if excinfo.traceback else ""
    return module.startswith(("numpy", "unittest"))


def student_message(excinfo: pytest.ExceptionInfo[BaseException], log: list[str], nodeid: str) -> str:
    """What the student is told about a failed check: the test's own message, never values
    printed by library assertions or pytest."""
    error = excinfo.value
    if isinstance(error, AssertionError) and _raised_in_library(excinfo):
        log.append(f"{nodeid}: {excinfo.exconly()[:2000]}")
        return "the returned values differ from the expected ones"
    if isinstance(error, (AssertionError, StudentError)):
        return str(error) or "the check failed"
    if isinstance(error, pytest.fail.Exception):
        return str(error.msg)
    log.append(f"{nodeid}: the check itself raised {excinfo.exconly()}")
    return f"the check could not evaluate the returned value ({type(error).__name__})"


class JudgePlugin:
    """What one run of the hidden tests against one submission records: each check's
    student-facing outcome, and what only the instructor sees in `log`. Served by a
    `SessionPlugin`, which may run the same collected tests for many submissions in turn."""

    def __init__(self, student_factory: Callable[[], Student], seed: int, log: list[str]) -> None:
        self.student_factory = student_factory
        self.seed = seed
        self.log = log
        self.outcomes: dict[str, Outcome] = {}

    def rng(self, nodeid: str) -> np.random.Generator:
        """Fresh hidden inputs per grading run; per test, reproducible from the logged seed."""
        return np.random.default_rng([self.seed, zlib.crc32(nodeid.encode())])

    def skip_unless_required_passed(self, item: pytest.Item, required: list[str]) -> None:
        """A check whose `required` value checks did not all pass is skipped before its fixtures
        call the student: not counted (SPEC §4), so it neither earns nor costs points."""
        failed = [nodeid for nodeid in required
                  if nodeid not in self.outcomes or self.outcomes[nodeid].skipped
                  or not self.outcomes[nodeid].check.passed]
        if failed:
            pytest.skip(f"counts only when {failed[0]} passes")

    def report(self, item: pytest.Item, call: pytest.CallInfo[None]) -> pytest.TestReport:
        """Records the outcome and returns a report without pytest's failure representation:
        nobody reads it, and rendering source and locals costs more than running the test."""
        outcome = self.outcomes.setdefault(item.nodeid, self._outcome(item))
        excinfo = call.excinfo
        longrepr: Any = None
        result: Literal["passed", "failed", "skipped"]
        if excinfo is None:
            result = "passed"
        elif excinfo.errisinstance(pytest.skip.Exception):
            result, longrepr = "skipped", (str(item.path), 0, str(excinfo.value))
            outcome.skipped = True
            self.log.append(f"{item.nodeid}: skipped, not counted")
        else:
            result, longrepr = "failed", excinfo.exconly()[:2000]
            if outcome.check.passed:
                outcome.check.passed = False
                outcome.check.message = student_message(excinfo, self.log, item.nodeid)
        when = "setup" if call.when == "collect" else call.when  # runtest calls are never "collect"
        return pytest.TestReport(item.nodeid, item.location, {}, result, longrepr, when,
                                 duration=call.duration, start=call.start, stop=call.stop)

    @staticmethod
    def _outcome(item: pytest.Item) -> Outcome:
        grade_id = item.get_closest_marker("grade_id")
        weight = item.get_closest_marker("weight")
        return Outcome(
            grade_id=str(grade_id.args[0]) if grade_id and grade_id.args else None,
            check=CheckResult(check_name(item), True, float(weight.args[0]) if weight and weight.args else 1.0,
                              case=case_label(item)),
        )


class SessionPlugin:
    """The plugin registered with `pytest.main`: the `student` and `rng` fixtures, the markers,
    the order of the collected tests, and each test's setup and report, all served by the
    JudgePlugin of the submission being graded (`current`). Its run loop hands the collected
    session to `serve`, which runs it once per submission (`grucourse.judge.hidden`)."""

    def __init__(self, serve: Callable[[pytest.Session], None]) -> None:
        self.serve = serve
        self.current: JudgePlugin | None = None
        self.collection_errors: list[str] = []
        self.requires: dict[str, list[str]] = {}

    def _judge(self) -> JudgePlugin:
        if self.current is None:
            raise RuntimeError("no submission is being graded")
        return self.current

    def pytest_configure(self, config: pytest.Config) -> None:
        for marker in MARKERS:
            config.addinivalue_line("markers", marker)

    @pytest.fixture(scope="session")
    def student(self) -> Student:
        """The submission's functions, called in the sandbox."""
        return self._judge().student_factory()

    @pytest.fixture
    def rng(self, request: pytest.FixtureRequest) -> np.random.Generator:
        """Fresh hidden inputs per grading run; per test, reproducible from the logged seed."""
        return self._judge().rng(request.node.nodeid)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collection_errors.append(f"{report.nodeid}: {report.longreprtext[-2000:]}")

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        items[:], self.requires, problems = order_after_requirements(items)
        self.collection_errors += problems

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool:
        self.serve(session)
        return True

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        self._judge().skip_unless_required_passed(item, self.requires.get(item.nodeid, []))

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> pytest.TestReport:
        return self._judge().report(item, call)
