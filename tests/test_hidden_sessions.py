"""The hidden tests' pytest session is collected once per tests folder and kept open: each
submission must still be judged on its own (its own student, outcomes and fixtures), and a
changed test file must be collected anew."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from grucourse.judge import hidden
from grucourse.judge.hidden import run_hidden_tests
from grucourse.judge.pytest_plugin import JudgePlugin

TESTS = """
import pytest

open({log!r}, "a").write("imported\\n")
SEEN = []


@pytest.fixture(scope="module")
def expected():
    SEEN.append("setup")
    yield {value}
    SEEN.append("teardown")


@pytest.mark.grade_id("f")
def test_f(student, expected):
    assert student.f() == expected, "f returns the wrong value"


@pytest.mark.grade_id("f")
def test_module_fixture_is_fresh_per_submission(student, expected):
    assert SEEN[-1] == "setup" and SEEN.count("setup") == SEEN.count("teardown") + 1
"""


def judged(folder: Path, f) -> dict[str, bool]:
    plugin = JudgePlugin(lambda: SimpleNamespace(f=f), seed=0, log=[])
    run_hidden_tests(folder, plugin)
    return {nodeid.split("::")[-1]: outcome.check.passed for nodeid, outcome in plugin.outcomes.items()}


def test_a_kept_session_judges_each_submission_afresh_and_collects_changed_tests_anew(tmp_path: Path) -> None:
    folder = tmp_path / "grading_tests" / "hw"
    folder.mkdir(parents=True)
    log = tmp_path / "imports.log"
    (folder / "test_hw.py").write_text(TESTS.format(log=str(log), value=1))
    fresh = "test_module_fixture_is_fresh_per_submission"

    assert judged(folder, lambda: 1) == {"test_f": True, fresh: True}
    session = next(s for (d, _), s in hidden._SESSIONS.items() if d == folder.resolve())
    assert judged(folder, lambda: 2) == {"test_f": False, fresh: True}  # this student's own outcome
    assert judged(folder, lambda: 1) == {"test_f": True, fresh: True}  # nothing carried over
    assert log.read_text().count("imported") == 1  # collected once for the three
    assert next(s for (d, _), s in hidden._SESSIONS.items() if d == folder.resolve()) is session

    (folder / "test_hw.py").write_text(TESTS.format(log=str(log), value=2))
    assert judged(folder, lambda: 2) == {"test_f": True, fresh: True}  # the edited test is the one run
    assert log.read_text().count("imported") == 2
    assert not session.alive  # the session of the old file was closed
