"""One wall-clock budget per submission (`Sandbox.submission_timeout`): a notebook whose every
function sleeps just under the call limit costs the budget, not checks times call_timeout."""
from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest
from judge_fixtures import toy_course as toy

from grucourse.judge.grade import grade_submission
from grucourse.judge.runner import NotebookRunner
from grucourse.judge.sandbox import Sandbox, course_sandbox
from grucourse.judge.student import Student, StudentError

REPO = Path(__file__).resolve().parents[1]
CHECKS = 10
SLEEP = 2.0
SPENT = "the submission's total time limit of {:g} s was reached; later checks were not run"

# The visible test cells call with ints and return at once; every hidden check sleeps.
SLOW = {"square_solution": f"import time\ndef square(x):\n    time.sleep(0 if isinstance(x, int) else {SLEEP})\n"
                           "    return x ** 2",
        "scale_solution": f"def scale(x, k):\n    time.sleep(0 if isinstance(x, int) else {SLEEP})\n    return k * x"}

HIDDEN_TESTS = f'''
import pytest

from grucourse.judge.checks import assert_matches


@pytest.mark.grade_id("square_tests")
@pytest.mark.parametrize("case", range({CHECKS // 2}))
def test_square(student, rng, case):
    x = rng.standard_normal(3)
    assert_matches(student.square(x), x ** 2, name="square")


@pytest.mark.grade_id("scale_tests")
@pytest.mark.parametrize("case", range({CHECKS // 2}))
def test_scale(student, rng, case):
    x = rng.standard_normal(3)
    assert_matches(student.scale(x, 2.0), 2.0 * x, name="scale")
'''


def test_a_slow_notebook_costs_its_budget_not_the_sum_of_its_calls(tmp_path: Path) -> None:
    course = toy.make_course(tmp_path)
    (course.grading_tests / toy.ASSIGNMENT / "test_toy.py").write_text(textwrap.dedent(HIDDEN_TESTS))
    path = toy.submit(course, "sleepy", SLOW)
    sandbox = Sandbox(submission_timeout=5, call_timeout=3)
    start = time.monotonic()
    result = grade_submission(course, "sleepy", toy.ASSIGNMENT, path, sandbox=sandbox)
    elapsed = time.monotonic() - start
    assert elapsed < CHECKS * SLEEP / 2, f"{elapsed:.1f} s, the naive sum is {CHECKS * SLEEP:g} s"
    checks = [check for cell in result.cells.values() for check in cell.checks]
    assert len(checks) == CHECKS and checks[0].passed, [c.message for c in checks]
    assert checks[-1].message == f"scale: {SPENT.format(5)}"
    failed = [check for check in checks if not check.passed]
    assert len(failed) >= CHECKS // 2 and all(check.message.endswith(SPENT.format(5)) for check in failed)
    assert result.max_score == 5.0 and result.cells["square_tests"].score > 0
    assert result.cells["scale_tests"].score == 0
    assert SPENT.format(5) in result.log


@pytest.fixture
def runner():
    code = "import time\ndef slow(seconds):\n    time.sleep(seconds)\n    return seconds\ndef quick():\n    return 1"
    runner = NotebookRunner([(0, code)], Sandbox(submission_timeout=4, call_timeout=1), [])
    runner.run_cells()
    yield runner
    runner.close()


def test_a_longer_time_limit_still_ends_with_the_budget(runner: NotebookRunner) -> None:
    student = Student(runner)
    assert student.quick() == 1
    start = time.monotonic()
    with student.time_limit(60), pytest.raises(StudentError, match="^slow: the submission's total time limit of 4 s"):
        student.slow(30)
    assert time.monotonic() - start < 5
    start = time.monotonic()
    with pytest.raises(StudentError) as spent:
        student.quick()
    assert str(spent.value) == f"quick: {SPENT.format(4)}"
    assert time.monotonic() - start < 0.5 and runner.starts == 1, "no worker is started once the budget is spent"


def test_cells_stop_at_the_budget_too() -> None:
    cells = [(0, "import time\ntime.sleep(10)"), (1, "print('late')")]
    runner = NotebookRunner(cells, Sandbox(submission_timeout=2, cell_timeout=30), [])
    try:
        runs = runner.run_cells()
    finally:
        runner.close()
    assert runs[0].note == "[cell stopped: the submission's total 2 s time limit reached]"
    assert runs[1].stdout == "" and runs[1].note == f"[not run: {SPENT.format(2)}]"


def test_the_course_config_sets_the_budget() -> None:
    """The repository's nbgrader_config.py, read by both class commands, sets it explicitly."""
    assert "c.Sandbox.submission_timeout = 300" in (REPO / "nbgrader_config.py").read_text()
    assert course_sandbox(REPO / "nbgrader_config.py").submission_timeout == 300
