"""Hidden checks for the gate functions of gru_gates: sigmoid, both gates, candidate, new state.

Inputs are drawn at grading time; each (n, d, h, bias layout) case is its own check, so a
function that only fails for one layout (e.g. a (1, h) bias) keeps part of the cell's points.
"""
import numpy as np
import pytest

from grucourse.gru import reference as ref
from grucourse.judge.checks import assert_matches

# (n, d, h, bias shape as a function of h): a single unit, a (1, h) bias, a flat (h,) bias.
CASES = [(1, 1, 1, lambda h: (h,)), (3, 4, 5, lambda h: (1, h)), (6, 2, 3, lambda h: (h,))]
CASE_IDS = ["n1_d1_h1", "n3_d4_h5_row_bias", "n6_d2_h3_flat_bias"]
GATES = [
    pytest.param("reset_gate", "r", marks=pytest.mark.grade_id("reset_gate_tests"), id="reset"),
    pytest.param("update_gate", "z", marks=pytest.mark.grade_id("update_gate_tests"), id="update"),
]


def draw(rng, n, d, h, bias_shape):
    """Input, previous state (in (-1, 1) like a real state) and GRU parameters."""
    return rng.standard_normal((n, d)), rng.uniform(-1, 1, (n, h)), ref.init_params(d, h, rng, bias_shape(h))


@pytest.mark.grade_id("sigmoid_tests")
@pytest.mark.weight(2)
def test_sigmoid_values(student, rng):
    """sigmoid matches 1 / (1 + exp(-x)) elementwise on arrays of any shape"""
    x = rng.normal(0.0, 4.0, (4, 3, 2))
    assert_matches(student.sigmoid(x), ref.sigmoid(x), name="sigmoid",
                   hints={"this is tanh, not the logistic sigmoid": np.tanh(x),
                          "this is 1 / (1 + exp(x)), the sign of x is flipped": ref.sigmoid(-x)})


@pytest.mark.grade_id("sigmoid_tests")
def test_sigmoid_stable_for_large_inputs(student, rng):
    """sigmoid gives 0 and 1 for x = -1000 and +1000 without overflow warnings"""
    x = np.concatenate([[-1000.0, 1000.0], rng.uniform(700.0, 1000.0, 3) * rng.choice([-1.0, 1.0], 3)])
    call = student.call("sigmoid", x)
    got = call.value
    if isinstance(got, np.ndarray) and got.shape == x.shape and np.isnan(got).any():
        raise AssertionError("sigmoid returns nan for large |x| (exp(x) / (1 + exp(x)) is inf / inf); "
                             "only ever exponentiate -|x|")
    overflow = [w for w in call.warnings if "overflow" in w.lower() or "invalid" in w.lower()]
    if overflow:
        raise AssertionError(f"sigmoid overflows for large |x| (numpy warned: {overflow[0][:120]}); "
                             "only ever exponentiate -|x|")
    assert_matches(got, ref.sigmoid(x), name="sigmoid")


@pytest.mark.parametrize("function, gate", GATES)
@pytest.mark.parametrize("n, d, h, bias_shape", CASES, ids=CASE_IDS)
def test_gate_matches_reference(student, rng, function, gate, n, d, h, bias_shape):
    """the gate matches sigmoid(X W + H_prev U + b)"""
    X, H, p = draw(rng, n, d, h, bias_shape)
    W, U, b = p[f"W_{gate}"], p[f"U_{gate}"], p[f"b_{gate}"]
    got = getattr(student, function)(X, H, W, U, b)
    assert_matches(got, ref.sigmoid(X @ W + H @ U + b), name=function, hints={
        f"the bias b_{gate} is missing": ref.sigmoid(X @ W + H @ U),
        "the sigmoid is missing (this is the pre-activation)": X @ W + H @ U + b,
        "tanh was used instead of the sigmoid": np.tanh(X @ W + H @ U + b),
        f"the previous state H_prev (through U_{gate}) is missing": ref.sigmoid(X @ W + b),
    })


@pytest.mark.grade_id("candidate_hidden_state_tests")
@pytest.mark.parametrize("n, d, h, bias_shape", CASES, ids=CASE_IDS)
def test_candidate_matches_reference(student, rng, n, d, h, bias_shape):
    """the candidate matches tanh(X W_h + (R * H_prev) U_h + b_h)"""
    X, H, p = draw(rng, n, d, h, bias_shape)
    R = rng.uniform(0.05, 0.95, (n, h))
    W, U, b = p["W_h"], p["U_h"], p["b_h"]
    got = student.candidate_hidden_state(X, H, R, W, U, b)
    assert_matches(got, ref.candidate_hidden_state(X, H, R, W, U, b), name="candidate_hidden_state", hints={
        "the reset gate is applied after the product with U_h (PyTorch/cuDNN placement); "
        "this course multiplies R_t * H_prev first": ref.candidate_hidden_state(X, H, R, W, U, b, reset="after"),
        "the bias b_h is missing": ref.candidate_hidden_state(X, H, R, W, U, 0 * b),
        "the reset gate R_t is not used": ref.candidate_hidden_state(X, H, np.ones_like(R), W, U, b),
        "tanh is missing (this is the pre-activation)": np.arctanh(ref.candidate_hidden_state(X, H, R, W, U, b)),
    })


@pytest.mark.grade_id("hidden_state_tests")
@pytest.mark.parametrize("n, h", [(1, 1), (4, 3), (2, 7)])
def test_new_state_matches_reference(student, rng, n, h):
    """the new state matches (1 - Z) * H_prev + Z * H_tilde"""
    H, H_tilde, Z = rng.uniform(-1, 1, (n, h)), rng.uniform(-1, 1, (n, h)), rng.uniform(0.05, 0.95, (n, h))
    assert_matches(student.hidden_state(H, Z, H_tilde), ref.hidden_state(H, Z, H_tilde), name="hidden_state", hints={
        "the update gate has the opposite role (Z * H_prev + (1 - Z) * H_tilde, the convention of "
        "Cho et al. 2014 and PyTorch); in this course Z close to 1 takes the candidate":
            ref.hidden_state(H, Z, H_tilde, update="cho"),
    })
