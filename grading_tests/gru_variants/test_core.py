"""Hidden checks for the pasted GRU core (sigmoid, gru_forward, gru_backward) of gru_variants.

The later cells build on these three functions, so a wrong convention here is named at its
source: the hints are the reference GRU under the other update role and reset placement.
"""
import numpy as np
import pytest

from grucourse.gru import reference as ref
from grucourse.judge.checks import assert_grads_match, assert_matches, assert_quiet, expect_tuple

pytestmark = pytest.mark.grade_id("gru_core_tests")

# (T, n, d, h, bias shape as a function of h)
CASES = [(3, 2, 3, 4, lambda h: (h,)), (5, 3, 2, 3, lambda h: (1, h))]
CASE_IDS = ["T3_n2_d3_h4_flat_bias", "T5_n3_d2_h3_row_bias"]
CHO = ("the update gate has the opposite role (Cho et al./PyTorch convention); "
       "in this course Z close to 1 takes the candidate")
AFTER = ("the reset gate is applied after the product with U_h (PyTorch placement); "
         "this course multiplies R_t * H_prev first")


def draw(rng, T, n, d, h, bias_shape):
    """Upstream gradients, a sequence, an initial state and GRU parameters."""
    return (rng.standard_normal((T, n, h)), rng.standard_normal((T, n, d)), rng.uniform(-1, 1, (n, h)),
            ref.init_params(d, h, rng, bias_shape(h)))


def test_sigmoid(student, rng):
    """sigmoid matches 1 / (1 + exp(-x)) and stays silent for x = -1000 and +1000"""
    x = np.concatenate([[-1000.0, 1000.0], rng.normal(0.0, 4.0, 10)])
    call = student.call("sigmoid", x)
    assert_quiet(call.warnings, name="sigmoid", advice="only ever exponentiate -|x|")
    assert_matches(call.value, ref.sigmoid(x), name="sigmoid",
                   hints={"the sign of x is flipped (this is 1 / (1 + exp(x)))": ref.sigmoid(-x)})


@pytest.mark.parametrize("T, n, d, h, bias_shape", CASES, ids=CASE_IDS)
def test_gru_forward(student, rng, T, n, d, h, bias_shape):
    """gru_forward returns the T states of the course GRU"""
    _, X, H0, p = draw(rng, T, n, d, h, bias_shape)
    no_bias = {k: (0 * v if k.startswith("b_") else v) for k, v in p.items()}
    assert_matches(student.gru_forward(X, H0, p), ref.gru_forward(X, H0, p), name="gru_forward", hints={
        CHO: ref.gru_forward(X, H0, p, update="cho"),
        AFTER: ref.gru_forward(X, H0, p, reset="after"),
        "the biases b_r, b_z, b_h are missing": ref.gru_forward(X, H0, no_bias),
    })


@pytest.mark.parametrize("T, n, d, h, bias_shape", CASES, ids=CASE_IDS)
def test_gru_backward(student, rng, T, n, d, h, bias_shape):
    """gru_backward returns dX, dH0 and the nine parameter gradients of BPTT"""
    dH, X, H0, p = draw(rng, T, n, d, h, bias_shape)
    got = expect_tuple(student.gru_backward(dH, X, H0, p), ("dX", "dH0", "grads"), name="gru_backward")
    expected = ref.gru_backward(dH, X, H0, p)
    variants = {CHO: ref.gru_backward(dH, X, H0, p, update="cho"),
                AFTER: ref.gru_backward(dH, X, H0, p, reset="after"),
                "the direct path dH_prev += dH_t * (1 - Z) is missing":
                    ref.gru_backward(dH, X, H0, p, direct_path=False)}
    for i, name in enumerate(("dX", "dH0")):
        assert_matches(got[i], expected[i], name=name, hints={text: v[i] for text, v in variants.items()})
    assert_grads_match(got[2], expected[2], name="grads", hints={text: v[2] for text, v in variants.items()})
