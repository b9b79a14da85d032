"""Hidden checks for train_adding: the grader's own training run on the adding problem.

train_adding is called once per grading (its result is shared by the checks below) on parameters
and 2000 sequences drawn at grading time, with a longer time limit than other calls. The trained
parameters are then judged on 1000 fresh sequences by the reference GRU, never by the losses the
student's code reports. Always predicting the mean 1 scores MSE 1/6; the reference reaches
4e-4..2.5e-3 with this budget.
"""
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from grucourse.gru import reference as ref
from grucourse.judge.checks import as_float_array, describe, expect_tuple
from grucourse.judge.student import StudentError
from grucourse.variants import reference as vref

pytestmark = pytest.mark.grade_id("train_adding_tests")

D, H, SEQUENCES, TEST_SEQUENCES, T = 2, 16, 2000, 1000, 50
STEPS, LR, BATCH = 600, 0.01, 32
TIME_LIMIT = 60.0  # seconds of wall-clock time for the one training call
ALWAYS_ONE = 1 / 6  # the MSE of always predicting the mean target 1


@dataclass
class Run:
    """One training run: what was passed, what came back (or the error), and fresh test data."""

    params: dict
    result: Any
    args_after: list
    error: str | None
    X_test: np.ndarray
    y_test: np.ndarray


@pytest.fixture(scope="module")
def runs():
    """Holds the one run of this grading session (the first check to need it starts it)."""
    return {}


@pytest.fixture
def run(student, rng, runs):
    if "run" not in runs:
        k = 1 / np.sqrt(H)
        params = ref.init_params(D, H, rng)
        params.update(W_y=rng.uniform(-k, k, (H, 1)), b_y=rng.uniform(-k, k, 1))
        X, y = vref.adding_problem(SEQUENCES, T, int(rng.integers(0, 2**31)))
        seed = int(rng.integers(0, 2**31))
        X_test, y_test = vref.adding_problem(TEST_SEQUENCES, T, int(rng.integers(0, 2**31)))
        try:
            with student.time_limit(TIME_LIMIT):
                call = student.call("train_adding", params, X, y, STEPS, LR, BATCH, seed)
            runs["run"] = Run(params, call.value, call.args_after, None, X_test, y_test)
        except StudentError as error:
            runs["run"] = Run(params, None, [], str(error), X_test, y_test)
    return runs["run"]


def trained_params(run):
    """The returned parameters, checked to have the keys and shapes of the initial ones."""
    if run.error is not None:
        raise AssertionError(run.error)
    trained, _ = expect_tuple(run.result, ("trained_params", "losses"), name="train_adding")
    if not isinstance(trained, dict):
        raise AssertionError(f"train_adding returned {describe(trained)} as trained_params, expected a dict")
    missing = [k for k in run.params if k not in trained]
    if missing:
        raise AssertionError(f"train_adding's trained_params lack {', '.join(missing)}")
    return {k: as_float_array(trained[k], name=f"trained_params[{k!r}]", shape=np.shape(v))
            for k, v in run.params.items()}


@pytest.mark.requires_values("test_beats_predicting_the_mean")  # the untrained parameters pass this one
def test_returns_parameters_and_losses(run):
    """train_adding returns new parameters of the given shapes, one finite loss per step, and leaves its input alone"""
    trained_params(run)
    losses = run.result[1]
    if not isinstance(losses, (list, tuple, np.ndarray)) or isinstance(losses, np.ndarray) and losses.ndim != 1:
        raise AssertionError(f"train_adding returned {describe(losses)} as losses, expected a list of {STEPS} numbers")
    if len(losses) != STEPS:
        raise AssertionError(f"train_adding returned {len(losses)} losses for {STEPS} steps, expected one per step")
    if not all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool) and np.isfinite(v) for v in losses):
        raise AssertionError("train_adding's losses must be finite numbers (the minibatch loss of every step)")
    given = run.args_after[0][0] if run.args_after and run.args_after[0] else None
    if not isinstance(given, dict) or not all(np.array_equal(given.get(k), v) for k, v in run.params.items()):
        raise AssertionError("train_adding modified the params it was given; train a copy")


def measured_mse(run):
    """The trained GRU's MSE on 1000 fresh sequences, computed by the reference model."""
    return vref.mse_loss_and_grads(trained_params(run), run.X_test, run.y_test)[0]


@pytest.mark.judges_values("the trained parameters are judged by their error on fresh sequences")
def test_beats_predicting_the_mean(run):
    """the trained GRU's test MSE is below 1/12, half that of always predicting 1"""
    mse = measured_mse(run)
    if not mse < ALWAYS_ONE / 2:
        raise AssertionError(f"the trained GRU's MSE on fresh sequences is {mse:.1e}, not below 1/12 "
                             "(always predicting 1 gives 1/6): check the loss, its gradients and the Adam step")


@pytest.mark.weight(2)
@pytest.mark.judges_values("the trained parameters are judged by their error on fresh sequences")
def test_learns_the_adding_problem(run):
    """the trained GRU's test MSE is below 0.01"""
    mse = measured_mse(run)
    if not mse < 0.01:
        raise AssertionError(f"the trained GRU's MSE on fresh sequences is {mse:.1e}, not below 0.01")
