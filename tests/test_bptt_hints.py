"""The hints of the BPTT checks: right when they name a bug, and the same on every draw.

grading_tests/gru_bptt/known_bugs.py computes what a backward with one slip returns. Without a
slip it must equal the reference (else a hint would name a right answer), and every slip must
change the result. Then the hidden checks themselves (the judge's pytest session and JudgePlugin)
grade backward passes with one bug each, called in this process instead of a sandbox so that many
draws are cheap: the reference under the other conventions, and the independent mutants of
tests/independent/mutants/gru_bptt run on their base style and the release notebook's provided
cells. For every bug each check gives the same message on every seed, and bugs with a known hint
get it; a check may pass on a draw that hides the bug from a small case, but whenever it fails
it says the same (tests/test_independent_submissions.py grades the same mutants in the sandbox).
"""
from __future__ import annotations

import importlib.util
import re
import sys
import warnings
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import nbformat
import numpy as np
import pytest

from grucourse.course import Course
from grucourse.gru import reference as ref
from grucourse.judge.hidden import run_hidden_tests
from grucourse.judge.pytest_plugin import JudgePlugin

REPO = Course.at(Path(__file__).resolve().parents[1])
HIDDEN = REPO.grading_tests / "gru_bptt"
MUTANTS = Path(__file__).parent / "independent" / "mutants" / "gru_bptt"
STYLES = Path(__file__).parent / "independent" / "gru_bptt"
# Seeds per bug: the update-role bugs once got another bug's hint in about 7% of draws of one case,
# 50 seeds include such a draw with probability 98%; 15 for the others keep the test near 5 minutes.
SEEDS = {"cho": range(50), "dZ_wrong_sign": range(50)}
OTHER_SEEDS = range(15)
DZ_SIGN, CHO = "dZ has the wrong sign", "the update gate has the opposite role"
PRE = "the derivatives are taken at the pre-activations"
# bug -> a hint every failed backward check of it must give (and, for dZ's sign, one it must never give)
EXPECTED_HINTS = {"cho": CHO, "dZ_wrong_sign": DZ_SIGN, "derivatives_at_preactivations": PRE,
                  "no_direct_path": "the direct path", "dU_h_without_reset": "dU_h uses H_prev",
                  "cell_missing_candidate_path": "misses the path through the candidate",
                  "dU_r_transposed": "dU_r is transposed", "bptt_no_carry": "not carried back",
                  "bptt_states_off_by_one": "differentiated at the state after it",
                  "bptt_dX_reversed": "reverse time order"}


def hidden_module(name: str) -> ModuleType:
    """A module of grading_tests/gru_bptt, imported as the judge does (its folder on sys.path)."""
    sys.path.insert(0, str(HIDDEN))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pytest.PytestUnknownMarkWarning)  # the judge registers grade_id, weight
            spec = importlib.util.spec_from_file_location(f"hidden_gru_bptt_{name}", HIDDEN / f"{name}.py")
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(HIDDEN))
        sys.modules.pop("known_bugs", None)


bugs = hidden_module("known_bugs")
checks = hidden_module("test_backward")


def draw(seed: int, bias_shape: tuple[int, ...], T: int = 4, n: int = 3, d: int = 2, h: int = 4):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((T, n, h)), rng.standard_normal((T, n, d)), rng.uniform(-1, 1, (n, h)),
            ref.init_params(d, h, rng, bias_shape))


def flat(outputs: tuple) -> np.ndarray:
    """dX, dH_prev and every gradient in one vector (gradients in the parameters' key order)."""
    return np.concatenate([np.ravel(outputs[0]), np.ravel(outputs[1]),
                           *(np.ravel(outputs[2][k]) for k in sorted(outputs[2]))])


@pytest.mark.parametrize("seed, bias_shape", [(0, (4,)), (1, (1, 4)), (2, (4,))])
def test_known_bugs_without_a_slip_are_the_reference(seed: int, bias_shape: tuple[int, ...]) -> None:
    dH, X, H0, p = draw(seed, bias_shape)
    cell = bugs.cell_backward(dH[0], X[0], H0, p)
    assert all(np.shape(cell[2][k]) == np.shape(p[k]) for k in p)
    np.testing.assert_allclose(flat(cell), flat(ref.gru_cell_backward(dH[0], X[0], H0, p)), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(flat(bugs.bptt(dH, X, H0, p)[:3]), flat(ref.gru_backward(dH, X, H0, p)),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("text", [*checks.SLIPS, *checks.LOOP_SLIPS])
def test_every_slip_changes_the_result(text: str) -> None:
    dH, X, H0, p = draw(3, (1, 4))
    slip = {**checks.SLIPS, **checks.LOOP_SLIPS}[text]
    right = flat(ref.gru_backward(dH, X, H0, p))
    wrong = flat(bugs.bptt(dH, X, H0, p, **slip)[:3])
    assert not np.allclose(wrong, right, rtol=1e-3, atol=1e-3), text
    if text in checks.SLIPS:  # a slip of the cell shows in one step already
        cell = bugs.cell_backward(dH[0], X[0], H0, p, **slip)
        assert not np.allclose(flat(cell), flat(ref.gru_cell_backward(dH[0], X[0], H0, p)), rtol=1e-3, atol=1e-3)


def provided_cells() -> str:
    """The code the release notebook gives the student before the answers (imports, gru_step...)."""
    nb = nbformat.read(REPO.release_notebook("gru_bptt"), as_version=4)
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader")
                       and not c.metadata.nbgrader.get("solution") and not c.metadata.nbgrader.get("grade"))


def mutant_student(path: Path) -> SimpleNamespace:
    """A mutant's backward functions, defined over its base style and the provided cells."""
    base = re.search(r"^# base: (\w+)$", path.read_text(), re.M).group(1)
    namespace: dict[str, Any] = {}
    for code in (provided_cells(), (STYLES / f"{base}.py").read_text(), path.read_text()):
        exec(compile(code, str(path), "exec"), namespace)  # the course's own test files, not student code
    return SimpleNamespace(gru_cell_backward=namespace["gru_cell_backward"], gru_backward=namespace["gru_backward"])


def reference_student(**convention: Any) -> SimpleNamespace:
    return SimpleNamespace(gru_cell_backward=lambda *a: ref.gru_cell_backward(*a, **convention),
                           gru_backward=lambda *a: ref.gru_backward(*a, **convention))


BACKWARD_MUTANTS = sorted(p for p in MUTANTS.glob("*.py") if re.search(r"^def gru_(cell_)?backward\(", p.read_text(), re.M))
STUDENTS = {"cho": lambda: reference_student(update="cho"), "reset_after": lambda: reference_student(reset="after"),
            **{p.stem: (lambda p=p: mutant_student(p)) for p in BACKWARD_MUTANTS}}


def backward_messages(student: SimpleNamespace, seed: int) -> dict[str, str]:
    """nodeid -> what each backward check tells this student on this seed ("" when it passed),
    entry counts blanked (how many entries differ may depend on the draw, the hint must not)."""
    plugin = JudgePlugin(lambda: student, seed, [])
    run_hidden_tests(HIDDEN, plugin)
    return {nodeid: "" if o.check.passed else re.sub(r"\(\d+ of \d+ entries differ\)", "(entries differ)",
                                                       o.check.message)
            for nodeid, o in plugin.outcomes.items() if "test_backward.py" in nodeid}


def test_every_expected_hint_belongs_to_a_student() -> None:
    assert set(EXPECTED_HINTS) <= set(STUDENTS)
    assert "derivatives_at_preactivations" in STUDENTS


@pytest.mark.slow
@pytest.mark.parametrize("bug", sorted(STUDENTS))
def test_each_bug_gets_the_same_hint_on_every_draw(bug: str) -> None:
    student = STUDENTS[bug]()
    runs = [backward_messages(student, seed) for seed in SEEDS.get(bug, OTHER_SEEDS)]
    for nodeid in runs[0]:  # a draw may hide the bug from one small case (the check passes there)
        said = {run[nodeid] for run in runs} - {""}
        assert len(said) <= 1, (nodeid, said)
    failed = [message for run in runs for message in run.values() if message]
    assert failed, f"{bug} passes every backward check"
    if bug in EXPECTED_HINTS:
        assert all(EXPECTED_HINTS[bug] in message for message in failed), set(failed)
    if bug == "dZ_wrong_sign":
        assert not any(CHO in message for message in failed), set(failed)
