"""Hidden checks for gru_cell_forward and gru_forward: whole steps and whole sequences.

A wrong convention in one of the student's gate functions shows up here too (the cells build
on them); the hints name the convention so the student knows which function to fix.
"""
import numpy as np
import pytest

from grucourse.gru import reference as ref
from grucourse.judge.checks import assert_matches

# (T, n, d, h, bias shape as a function of h)
CASES = [(1, 1, 2, 1, lambda h: (h,)), (4, 3, 4, 5, lambda h: (1, h)), (6, 2, 3, 4, lambda h: (h,))]
CASE_IDS = ["T1_n1_d2_h1", "T4_n3_d4_h5_row_bias", "T6_n2_d3_h4_flat_bias"]


def convention_hints(forward, X, H0, p):
    """What `forward` (a reference step or sequence function) returns under the usual wrong conventions."""
    no_bias = {k: (0 * v if k.startswith("b_") else v) for k, v in p.items()}
    return {
        "the update gate has the opposite role (Cho et al./PyTorch convention); "
        "in this course Z close to 1 takes the candidate": forward(X, H0, p, update="cho"),
        "the reset gate is applied after the product with U_h (PyTorch placement); "
        "this course multiplies R_t * H_prev first": forward(X, H0, p, reset="after"),
        "the biases b_r, b_z, b_h are missing": forward(X, H0, no_bias),
    }


def draw(rng, T, n, d, h, bias_shape):
    """A sequence, an initial state and GRU parameters."""
    return rng.standard_normal((T, n, d)), rng.uniform(-1, 1, (n, h)), ref.init_params(d, h, rng, bias_shape(h))


@pytest.mark.grade_id("gru_cell_forward_tests")
@pytest.mark.parametrize("T, n, d, h, bias_shape", CASES, ids=CASE_IDS)
def test_cell_matches_reference(student, rng, T, n, d, h, bias_shape):
    """one GRU step matches the course equations"""
    X, H0, p = draw(rng, T, n, d, h, bias_shape)
    got = student.gru_cell_forward(X[0], H0, p)
    assert_matches(got, ref.gru_cell_forward(X[0], H0, p), name="gru_cell_forward",
                   hints=convention_hints(ref.gru_cell_forward, X[0], H0, p))


@pytest.mark.grade_id("gru_forward_tests")
@pytest.mark.parametrize("T, n, d, h, bias_shape", CASES, ids=CASE_IDS)
def test_sequence_matches_reference(student, rng, T, n, d, h, bias_shape):
    """all T hidden states match the reference, in order"""
    X, H0, p = draw(rng, T, n, d, h, bias_shape)
    got = student.gru_forward(X, H0, p)
    if isinstance(got, np.ndarray) and got.shape == (T + 1, n, h):
        raise AssertionError("gru_forward returned T + 1 states: H0 must not be included")
    if isinstance(got, np.ndarray) and got.shape == (n, h) and T > 1:
        raise AssertionError("gru_forward returned only one state: return all T states, shape (T, n, h)")
    hints = convention_hints(ref.gru_forward, X, H0, p)
    hints["every step starts from H0 instead of the previous state"] = np.stack(
        [ref.gru_cell_forward(X_t, H0, p) for X_t in X])
    assert_matches(got, ref.gru_forward(X, H0, p), name="gru_forward", shape=(T, n, h), hints=hints)
