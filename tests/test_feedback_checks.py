"""What a graded cell says: the runs of a parametrized hidden check are one line with a count,
their cases named in words, never pytest's parametrize ids."""
from __future__ import annotations

from pathlib import Path

import pytest

from grucourse.judge.pytest_plugin import case_label, check_name
from grucourse.results import CellResult, CheckResult

BIAS = "reset_gate returned wrong values: the bias b_r is missing"
CASES = ["n=1, d=1, h=1, reset", "n=3, d=4, h=5, row bias, reset", "n=6, d=2, h=3, flat bias, reset"]


def runs(name: str, passed: list[bool], messages: list[str]) -> list[CheckResult]:
    return [CheckResult(name, ok, 1.0, "" if ok else message, case) for ok, message, case in zip(passed, messages, CASES, strict=False)]


def test_a_check_failing_in_every_case_is_one_line_with_its_count_and_hint() -> None:
    cell = CellResult("reset_gate_tests", 0.0, 1.0, runs("the gate matches", [False] * 3, [BIAS] * 3))
    assert cell.feedback().splitlines() == [
        "reset_gate_tests: 0 / 1 points",
        f"  [FAIL] the gate matches: failed in 3 of 3 cases — {BIAS}",
    ]


def test_a_partly_failing_check_names_only_its_failed_cases_without_what_all_cases_share() -> None:
    cell = CellResult("reset_gate_tests", 0.5, 1.0, runs("the gate matches", [True, False, True], [BIAS] * 3)
                      + runs("shape", [True] * 3, [""] * 3))
    lines = cell.feedback().splitlines()
    assert lines[1] == f"  [FAIL] the gate matches: failed in 1 of 3 cases (n=3, d=4, h=5, row bias) — {BIAS}"
    assert lines[2] == "  [PASS] shape (3 cases)"


def test_different_messages_get_a_line_each_under_one_count() -> None:
    messages = ["expected shape (1, 1)", "expected shape (3, 5)", "expected shape (3, 5)"]
    cell = CellResult("reset_gate_tests", 0.0, 1.0, runs("the gate matches", [False] * 3, messages))
    assert cell.feedback().splitlines()[1:] == [
        "  [FAIL] the gate matches: failed in 3 of 3 cases:",
        "      n=1, d=1, h=1: expected shape (1, 1)",
        "      n=3, d=4, h=5, row bias; n=6, d=2, h=3, flat bias: expected shape (3, 5)",
    ]


def test_single_checks_read_as_before() -> None:
    cell = CellResult("square_tests", 1.0, 2.0, [CheckResult("values", False, 1.0, "bias missing?"), CheckResult("shape", True)])
    assert cell.feedback().splitlines()[1:] == ["  [FAIL] values: bias missing?", "  [PASS] shape"]


def test_a_check_label_keeps_each_run_apart_for_reports() -> None:
    assert CheckResult("values", True, case="n=4, h=3").label == "values [n=4, h=3]"
    assert CheckResult("values", True).label == "values"


HIDDEN = '''
import pytest

@pytest.mark.parametrize("n, h", [(1, 1), (4, 3)])
def test_ints(n, h):
    """the new state matches"""

@pytest.mark.parametrize("function, gate", [pytest.param("reset_gate", "r", id="reset")])
@pytest.mark.parametrize("n, d, bias", [(3, 4, lambda h: (1, h))], ids=["n3_d4_row_bias"])
def test_ids(function, gate, n, d, bias):
    pass

@pytest.mark.parametrize("shape", [(5, 3, 4)])
def test_shape(shape):
    pass

def test_plain():
    pass
'''


def test_case_labels_come_from_the_arguments_or_the_ids_in_words(tmp_path: Path) -> None:
    (tmp_path / "test_hidden.py").write_text(HIDDEN)
    seen: dict[str, tuple[str, str]] = {}

    class Record:
        def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
            seen.update({item.name: (check_name(item), case_label(item)) for item in items})

    assert pytest.main(["-q", "-p", "no:cacheprovider", "--collect-only", str(tmp_path)], plugins=[Record()]) == 0
    assert seen["test_ints[1-1]"] == ("the new state matches", "n=1, h=1")
    assert seen["test_ints[4-3]"] == ("the new state matches", "n=4, h=3")
    assert seen["test_ids[n3_d4_row_bias-reset]"] == ("ids", "n=3, d=4, row bias, reset")
    assert seen["test_shape[shape0]"] == ("shape", "shape=(5,3,4)")
    assert seen["test_plain"] == ("plain", "")
