"""Hidden checks for gru_cell_backward and gru_backward (BPTT).

The hints are the outputs of typical buggy implementations, computed from the reference cell:
a missing direct path, gradients not summed over time, the incoming gradient of later steps not
carried back, and the other update/reset conventions.
"""
import numpy as np
import pytest

from grucourse.gru import reference as ref
from grucourse.judge.checks import assert_grads_match, assert_matches, expect_tuple

CELL = pytest.mark.grade_id("gru_cell_backward_tests")
SEQUENCE = pytest.mark.grade_id("gru_backward_tests")
# (T, n, d, h, bias shape as a function of h)
CASES = [(1, 1, 1, 1, lambda h: (h,)), (3, 3, 4, 5, lambda h: (1, h)), (5, 2, 2, 3, lambda h: (h,))]
CASE_IDS = ["T1_n1_d1_h1", "T3_n3_d4_h5_row_bias", "T5_n2_d2_h3_flat_bias"]
CELL_PARTS = ("dX_t", "dH_prev", "grads")
SEQUENCE_PARTS = ("dX", "dH0", "grads")
NO_DIRECT = "the direct path dH_prev += dH_t * (1 - Z) is missing"
CHO = "the update gate has the opposite role (Cho et al./PyTorch convention)"
AFTER = "the reset gate is applied after the product with U_h (PyTorch placement)"
DZ_SIGN = ("dZ has the wrong sign: dZ = dH_t * (H_tilde - H_prev) in this course "
           "(H_prev - H_tilde belongs to the opposite, Cho et al./PyTorch, role of the update gate)")


def draw(rng, T, n, d, h, bias_shape):
    """Upstream gradients, a sequence, an initial state and GRU parameters."""
    return (rng.standard_normal((T, n, h)), rng.standard_normal((T, n, d)), rng.uniform(-1, 1, (n, h)),
            ref.init_params(d, h, rng, bias_shape(h)))


def buggy_bptt(dH, X, H0, p, *, direct=True, carry=True):
    """BPTT built from the reference cell, optionally without the direct path or without carrying
    dH_prev back to the previous step; returns (dX, dH0, summed grads, per-step grads)."""
    H_prev = np.concatenate([H0[None], ref.gru_forward(X, H0, p)[:-1]])
    dX, steps, back = np.zeros_like(X), [None] * len(X), np.zeros_like(H0)
    for t in reversed(range(len(X))):
        G = dH[t] + back if carry else dH[t]
        dX[t], back, steps[t] = ref.gru_cell_backward(G, X[t], H_prev[t], p)
        if not direct:
            back = back - G * (1 - ref.update_gate(X[t], H_prev[t], p["W_z"], p["U_z"], p["b_z"]))
    return dX, back, {k: sum(step[k] for step in steps) for k in steps[0]}, steps


def convention_variants(backward, *args):
    return {CHO: backward(*args, update="cho"), AFTER: backward(*args, reset="after")}


def part(variants, i):
    """The i-th output of every variant."""
    return {text: outputs[i] for text, outputs in variants.items()}


@pytest.fixture(params=CASES, ids=CASE_IDS)
def cell_case(request, student, rng):
    """The student's and the reference's (dX_t, dH_prev, grads) for one step, plus the bug variants."""
    dH, X, H0, p = draw(rng, *request.param)
    got = expect_tuple(student.gru_cell_backward(dH[0], X[0], H0, p), CELL_PARTS, name="gru_cell_backward")
    variants = convention_variants(ref.gru_cell_backward, dH[0], X[0], H0, p)
    dX, dH_prev, grads, _ = buggy_bptt(dH[:1], X[:1], H0, p, direct=False)
    variants[NO_DIRECT] = (dX[0], dH_prev, grads)
    return got, ref.gru_cell_backward(dH[0], X[0], H0, p), variants


@CELL
def test_cell_dX(cell_case):
    """gru_cell_backward: the gradient with respect to X_t"""
    got, expected, variants = cell_case
    assert_matches(got[0], expected[0], name="dX_t", hints=part(variants, 0))


@CELL
def test_cell_dH_prev(cell_case):
    """gru_cell_backward: the gradient with respect to H_prev"""
    got, expected, variants = cell_case
    assert_matches(got[1], expected[1], name="dH_prev", hints=part(variants, 1))


@CELL
@pytest.mark.weight(2)
def test_cell_parameter_gradients(cell_case):
    """gru_cell_backward: the gradients of all nine parameters, shaped like the parameters"""
    got, expected, variants = cell_case
    hints = part(variants, 2)
    # dZ with the wrong sign alone gives exactly the opposite convention's W_z, U_z, b_z gradients;
    # listed first, it only names the update-gate entries (a full Cho backward fails U_r first)
    hints = {DZ_SIGN: {k: v for k, v in hints[CHO].items() if k.endswith("_z")}, **hints}
    assert_grads_match(got[2], expected[2], name="grads", hints=hints)


@pytest.fixture(params=CASES, ids=CASE_IDS)
def sequence_case(request, student, rng):
    """The student's and the reference's (dX, dH0, grads) for a sequence, plus the bug variants."""
    dH, X, H0, p = draw(rng, *request.param)
    got = expect_tuple(student.gru_backward(dH, X, H0, p), SEQUENCE_PARTS, name="gru_backward")
    variants = convention_variants(ref.gru_backward, dH, X, H0, p)
    variants[NO_DIRECT] = buggy_bptt(dH, X, H0, p, direct=False)[:3]
    variants["the gradient dH_prev of each step is not carried back to the step before"] = \
        buggy_bptt(dH, X, H0, p, carry=False)[:3]
    return got, ref.gru_backward(dH, X, H0, p), variants, buggy_bptt(dH, X, H0, p)[3]


@SEQUENCE
def test_sequence_dX(sequence_case):
    """gru_backward: the gradients with respect to every X_t"""
    got, expected, variants, _ = sequence_case
    assert_matches(got[0], expected[0], name="dX", hints=part(variants, 0))


@SEQUENCE
def test_sequence_dH0(sequence_case):
    """gru_backward: the gradient reaching the initial state H0"""
    got, expected, variants, _ = sequence_case
    assert_matches(got[1], expected[1], name="dH0", hints=part(variants, 1))


@SEQUENCE
@pytest.mark.weight(2)
def test_sequence_parameter_gradients(sequence_case):
    """gru_backward: parameter gradients summed over all time steps"""
    got, expected, variants, steps = sequence_case
    hints = part(variants, 2)
    hints["only the first time step's gradients are returned: sum (+=) the gradients of all steps"] = steps[0]
    hints["only the last time step's gradients are returned: sum (+=) the gradients of all steps"] = steps[-1]
    assert_grads_match(got[2], expected[2], name="grads", hints=hints)
