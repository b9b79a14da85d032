"""The hidden checks of gru_variants (grading_tests/gru_variants/), graded by the real judge.

The source notebook's solutions, pasted into the release notebook, get full marks. Submissions with
one-line bugs (each a small edit of a solution) lose points on exactly the cells where the bug shows,
and every failed check there names it; bugs are grouped so that their cells do not overlap, which
keeps the number of (sandboxed) gradings small. A train_adding that never trains, or returns fixed
parameters, fails both MSE checks. The bug variants the hints are computed from differ from the
correct answers, whose computation equals the references; the release hides the hidden checks.
"""
from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path
from types import SimpleNamespace

import nbformat
import numpy as np
import pytest

from grucourse.course import Course
from grucourse.gru import reference as ref
from grucourse.judge.checks import assert_quiet, first_foreign
from grucourse.judge.grade import grade_submission
from grucourse.judge.protocol import Foreign
from grucourse.pipeline.course_copy import copy_course
from grucourse.results import SubmissionResult
from grucourse.simulate import fill_solutions, solution_cells
from grucourse.variants import reference as vref

ASSIGNMENT = "gru_variants"
POINTS = 22
REPO = Course.at(Path(__file__).resolve().parents[1])
HIDDEN = REPO.grading_tests / ASSIGNMENT

NEVER_TRAINS = [("for step in range(steps):", "for step in range(0):"), ("np.empty(steps)", "np.zeros(steps)")]
HARD_CODED = '''def train_adding(params, X, y, steps, lr=0.01, batch_size=32, seed=0):
    trained = {key: np.zeros(np.shape(value)) for key, value in params.items()}
    trained["b_y"] = np.ones(np.shape(params["b_y"]))  # always predicts the mean target 1
    return trained, [1 / 6] * steps
'''
NOT_TRAINED = "not below"  # both MSE checks say it

# submission -> ({solution cell: [(old, new), ...] or a whole new source}, {cell losing points: hint or None})
SUBMISSIONS: dict[str, tuple[dict, dict[str, str | None]]] = {
    "correct": ({}, {}),
    "conventions_and_never_trains": ({
        "torch_gru_forward": [("(1 - z) * n + z * H_t", "z * n + (1 - z) * H_t")],
        "param_counts": [('"lstm": 4 * block', '"lstm": 3 * block')],
        "adding_problem": [("np.random.default_rng(seed)", "np.random.default_rng()")],
        "train_adding": NEVER_TRAINS,
    }, {
        "torch_gru_forward_tests": "the update gate has the course's role",
        "reset_placement_gap_tests": None,  # built on the student's torch_gru_forward
        "param_counts_tests": "the LSTM has four blocks",
        "adding_problem_tests": "two calls with the same seed gave different data",
        "train_adding_tests": NOT_TRAINED,
    }),
    "mingru_and_hard_coded": ({
        "g_functions": [("np.where(x >= 0, np.log(np.maximum(x, 0.0) + 0.5), -np.logaddexp(0.0, -x))",
                         "np.log(g(x))")],
        "parallel_scan_log": [("np.cumsum(log_coeffs, axis=0)", "np.cumsum(log_coeffs, axis=-1)")],
        "train_adding": HARD_CODED,
    }, {
        "g_functions_tests": "log_g returns -inf or NaN for very negative x",
        "parallel_scan_log_tests": "the cumulative sum runs over the last axis",
        "mingru_parallel_tests": None,  # built on the student's parallel_scan_log
        "train_adding_tests": NOT_TRAINED,
    }),
    # train_adding itself is right and still learns: Adam is blind to the loss's scale, and eps is tiny
    "mapping_loss_and_adam": ({
        "chapter_to_torch": [("-p[\"W_z\"].T", "p[\"W_z\"].T"), ("-p[\"U_z\"].T", "p[\"U_z\"].T"),
                             ('-b["z"]', 'b["z"]')],
        "mse_loss_and_grads": [("2.0 * error / n", "2.0 * error"), ("np.mean(error ** 2)", "np.sum(error ** 2)")],
        "adam": [("(np.sqrt(v[key] / (1 - beta2 ** t)) + eps)", "np.sqrt(v[key] / (1 - beta2 ** t) + eps)")],
    }, {
        "chapter_to_torch_tests": "the update gate is not negated",
        "reset_placement_gap_tests": None,  # built on the student's chapter_to_torch
        "mse_loss_and_grads_tests": "the loss is summed over the sequences",
        "adam_step_tests": "eps is inside the square root",
    }),
}
MSE_CHECKS = {"the trained GRU's test MSE is below 1/12, half that of always predicting 1",
              "the trained GRU's test MSE is below 0.01"}
# A float with three or more decimals, or an array repr: a hidden input leaking into feedback.
LEAK = re.compile(r"\d\.\d{3,}|array\(|\[\s*-?\d+\.\d")


def answers(course: Course, edits: dict) -> dict[str, str]:
    """The source's solutions with `edits` applied (each old text must be in its solution)."""
    solutions = solution_cells(course, ASSIGNMENT)
    for cell, change in edits.items():
        if isinstance(change, str):
            solutions[cell] = change
            continue
        for old, new in change:
            assert old in solutions[cell], f"{old!r} is not in the solution of {cell}: update the edit"
            solutions[cell] = solutions[cell].replace(old, new, 1)
    return solutions


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, SubmissionResult]:
    """Every submission above, graded once in the sandbox on a copy of the course."""
    root = tmp_path_factory.mktemp("variants")
    course = copy_course(root / "course")
    results = {}
    for name, (edits, _) in SUBMISSIONS.items():
        nb = fill_solutions(nbformat.read(course.release_notebook(ASSIGNMENT), as_version=4), answers(course, edits))
        path = course.submitted / name / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(nb, path)
        results[name] = grade_submission(course, name, ASSIGNMENT, path)
    return results


def report(result: SubmissionResult) -> str:
    return "\n".join(cell.feedback() for cell in result.cells.values())


@pytest.mark.slow
@pytest.mark.parametrize("name", SUBMISSIONS)
def test_points_are_lost_exactly_where_the_bug_shows(graded: dict[str, SubmissionResult], name: str) -> None:
    result, expected = graded[name], SUBMISSIONS[name][1]
    assert not result.problems, result.problems
    assert result.max_score == POINTS
    lost = {gid for gid, cell in result.cells.items() if cell.score < cell.max_score - 1e-9}
    assert lost == set(expected), report(result)
    for gid, hint in expected.items():
        failed = [check.message for check in result.cells[gid].checks if not check.passed]
        assert failed, report(result)
        assert hint is None or all(hint in message for message in failed), result.cells[gid].feedback()
    messages = [check.message for cell in result.cells.values() for check in cell.checks]
    assert not [m for m in messages if LEAK.search(m)]


@pytest.mark.slow
def test_solutions_get_full_marks_and_pass_the_visible_checks(graded: dict[str, SubmissionResult]) -> None:
    result = graded["correct"]
    assert result.score == POINTS, report(result)
    errors = [o for outputs in result.cell_outputs.values() for o in outputs if o.get("output_type") == "error"]
    assert not errors, errors


@pytest.mark.slow
@pytest.mark.parametrize("name", ["conventions_and_never_trains", "mingru_and_hard_coded"])
def test_untrained_parameters_fail_both_mse_checks_only(graded: dict[str, SubmissionResult], name: str) -> None:
    cell = graded[name].cells["train_adding_tests"]
    assert {c.name for c in cell.checks if not c.passed} == MSE_CHECKS, cell.feedback()
    # the check of shapes and losses counts only once the trained GRU beats the mean (requires_values):
    # returning the untrained parameters is worth what a blank cell is worth
    assert {c.name for c in cell.checks} == MSE_CHECKS, cell.feedback()
    assert cell.score == 0


def load_known_bugs():
    spec = importlib.util.spec_from_file_location("known_bugs", HIDDEN / "known_bugs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BUGS = load_known_bugs()
ADAM = {"lr": 0.05, "beta1": 0.8, "beta2": 0.99, "eps": 1e-3}


@pytest.fixture
def inputs() -> SimpleNamespace:
    """Inputs for every helper of known_bugs: a batch of sequences, PyTorch, minGRU, scan, loss and Adam arguments."""
    rng = np.random.default_rng(0)
    shapes = {"weight_ih_l0": (12, 2), "weight_hh_l0": (12, 4), "bias_ih_l0": (12,), "bias_hh_l0": (12,)}
    params = dict(ref.init_params(2, 4, rng), W_y=rng.standard_normal((4, 1)), b_y=rng.standard_normal(1))
    return SimpleNamespace(
        X=rng.standard_normal((5, 3, 2)), H0=rng.uniform(-1, 1, (3, 4)), h0=rng.uniform(0.1, 1, (3, 4)),
        weights={k: rng.uniform(-1, 1, s) for k, s in shapes.items()},
        mp={"W_z": rng.standard_normal((2, 4)), "b_z": rng.standard_normal(4), "W_h": rng.standard_normal((2, 4)),
            "b_h": rng.standard_normal((1, 4))},
        log_a=np.log(rng.uniform(0.1, 0.9, (5, 3, 4))), log_b=np.log(rng.uniform(0.1, 2, (6, 3, 4))),
        params=params, y=rng.uniform(0, 2, (3, 1)),
        grads=[{k: 1e-2 * rng.standard_normal(np.shape(v)) for k, v in params.items()} for _ in range(3)])


def test_bug_variants_are_the_references_without_their_bug(inputs: SimpleNamespace) -> None:
    """With no bug named, each helper the hints are computed from gives the reference's answer."""
    i = inputs
    np.testing.assert_allclose(BUGS.torch_gru(i.X, i.H0, i.weights), vref.torch_gru_forward(i.X, i.H0, i.weights),
                               rtol=1e-12)
    assert all(np.array_equal(v, i.weights[k]) for k, v in BUGS.edited(i.weights, lambda blocks: None).items())
    np.testing.assert_allclose(BUGS.mingru(i.X, i.h0, i.mp), vref.mingru_sequential(i.X, i.h0, i.mp), rtol=1e-12)
    np.testing.assert_allclose(vref.parallel_scan_log(*BUGS.mingru_scan_inputs(i.X, i.h0, i.mp)),
                               vref.mingru_parallel(i.X, i.h0, i.mp), rtol=1e-12)
    np.testing.assert_allclose(BUGS.scan(i.log_a, i.log_b), vref.parallel_scan_log(i.log_a, i.log_b), rtol=1e-12)
    loss, grads = BUGS.mse_loss_and_grads(i.params, i.X, i.y)
    expected_loss, expected_grads = vref.mse_loss_and_grads(i.params, i.X, i.y)
    assert loss == pytest.approx(expected_loss, rel=1e-12) and grads.keys() == expected_grads.keys()
    for key, grad in expected_grads.items():
        np.testing.assert_allclose(grads[key], grad, rtol=1e-10, atol=1e-14)
    current, state = i.params, vref.adam_init(i.params)
    for step, after in zip(i.grads, BUGS.adam(i.params, i.grads, **ADAM), strict=True):
        current, state = vref.adam_step(current, step, state, **ADAM)
        for key in i.params:
            np.testing.assert_allclose(after[key], current[key], rtol=1e-12)


def test_every_bug_variant_differs_from_the_right_answer(inputs: SimpleNamespace) -> None:
    """A hint is only given for a wrong value: no bug variant may coincide with the correct answer."""
    i = inputs
    variants = {
        "torch_gru": (lambda **bug: BUGS.torch_gru(i.X, i.H0, i.weights, **bug),
                      [{"reset": "before"}, {"b_hn_inside": False}]),
        "edited": (lambda change=lambda blocks: None: vref.torch_gru_forward(i.X, i.H0, BUGS.edited(i.weights, change)),
                   [{"change": change} for change in (BUGS.negate_z, BUGS.swap_r_z, BUGS.b_h_as_hidden_bias,
                                                      BUGS.zero("bias_ih_l0"), BUGS.zero("bias_hh_l0"))]),
        "mingru": (lambda **bug: BUGS.mingru(i.X, i.h0, i.mp, **bug),
                   [{"update": "cho"}, {"candidate": np.tanh}, {"from_h0": True}, {"bias": False}]),
        "mingru_scan_inputs": (lambda **bug: vref.parallel_scan_log(*BUGS.mingru_scan_inputs(i.X, i.h0, i.mp, **bug)),
                               [{"update": "cho"}, {"log_z": False}]),
        "scan": (lambda **bug: BUGS.scan(i.log_a, i.log_b, **bug),
                 [{"leading_zero": False}, {"leading_zero": False, "drop_h0": True}, {"cumsum_axis": -1},
                  {"logcumsumexp_axis": -1}]),
        "mse_loss_and_grads": (lambda **bug: BUGS.mse_loss_and_grads(i.params, i.X, i.y, **bug)[1]["W_r"],
                               [{"update": "cho"}, {"reset": "after"}, {"every_step": True}, {"factor": 1.0}]),
        "adam": (lambda **bug: BUGS.adam(i.params, i.grads, **(ADAM | bug))[-1]["W_r"],
                 [{"bias_correction": False}, {"eps_in_sqrt": True}, {"frozen_t": True}, {"carry_state": False},
                  {"beta1": ADAM["beta2"], "beta2": ADAM["beta1"]}]),
    }
    for helper, (compute, bugs) in variants.items():
        right = compute()
        for bug in bugs:
            assert not np.allclose(compute(**bug), right), (helper, bug)


def test_assert_quiet_names_the_warning_without_numbers() -> None:
    assert_quiet(["DeprecationWarning: old API"], name="g", advice="fix it")
    with pytest.raises(AssertionError) as error:
        assert_quiet(["RuntimeWarning: overflow encountered in exp at 0.123456"], name="g", advice="take exp of -|x|")
    assert str(error.value) == ("g is not numerically stable (numpy warned: RuntimeWarning: overflow encountered "
                                "in exp at …); take exp of -|x|")


def test_first_foreign_finds_values_that_cannot_be_sent_back() -> None:
    assert first_foreign({"t": 1, "m": [np.zeros(2), (3.0, "x")]}) is None
    assert first_foreign({"t": 1, "m": [np.zeros(2), (3.0, Foreign("dict"))]}) == Foreign("dict")


def test_release_holds_nothing_of_the_hidden_checks() -> None:
    """Hint texts, check titles, test names and code lines of the hidden checks never reach students."""
    distinctive = set()
    for path in HIDDEN.glob("*.py"):
        text = path.read_text()
        distinctive |= {line.strip() for line in text.splitlines() if len(line.strip()) > 40}
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) >= 24 \
                    and " " in node.value:
                distinctive.add(node.value.strip().splitlines()[0])
            elif isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                distinctive.add(node.name)
    assert len(distinctive) >= 100
    release = nbformat.read(REPO.release_notebook(ASSIGNMENT), as_version=4)
    checks = [c.source for c in release.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert len(checks) == 13, "every graded cell of the contract has a visible check cell"
    text = "\n".join(c.source for c in release.cells)
    assert not [s for s in distinctive if s in text]
