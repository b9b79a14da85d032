"""Hidden checks for the PyTorch convention cells: torch_gru_forward, chapter_to_torch, reset_placement_gap.

chapter_to_torch is graded by what its arrays do in the reference torch_gru_forward, never by the
numbers themselves: the r and z biases may sit in either PyTorch bias vector (only their sum counts).
"""
import known_bugs as bugs
import numpy as np
import pytest

from grucourse.gru import reference as ref
from grucourse.judge.checks import as_float_array, assert_matches, describe
from grucourse.variants import reference as vref

FORWARD = pytest.mark.grade_id("torch_gru_forward_tests")
MAPPING = pytest.mark.grade_id("chapter_to_torch_tests")
GAP = pytest.mark.grade_id("reset_placement_gap_tests")
# (T, n, d, h); d != h where a transposed matrix must show as a wrong shape
CASES = [(1, 1, 1, 1), (4, 3, 2, 5), (6, 2, 4, 3)]
CASE_IDS = ["T1_n1_d1_h1", "T4_n3_d2_h5", "T6_n2_d4_h3"]


def torch_shapes(d, h):
    return {"weight_ih_l0": (3 * h, d), "weight_hh_l0": (3 * h, h), "bias_ih_l0": (3 * h,), "bias_hh_l0": (3 * h,)}


@FORWARD
@pytest.mark.parametrize("T, n, d, h", CASES, ids=CASE_IDS)
def test_torch_gru_forward(student, rng, T, n, d, h):
    """torch_gru_forward computes PyTorch's nn.GRU equations"""
    X, H0 = rng.standard_normal((T, n, d)), rng.uniform(-1, 1, (n, h))
    w = {k: rng.uniform(-1, 1, shape) for k, shape in torch_shapes(d, h).items()}
    got = student.torch_gru_forward(X, H0, w)
    assert_matches(got, vref.torch_gru_forward(X, H0, w), name="torch_gru_forward", shape=(T, n, h), hints={
        "the update gate has the course's role; PyTorch computes h' = (1 - z) * n + z * h":
            vref.torch_gru_forward(X, H0, bugs.edited(w, bugs.negate_z)),
        "the row blocks are read in the wrong order; PyTorch stacks them r, z, n":
            vref.torch_gru_forward(X, H0, bugs.edited(w, bugs.swap_r_z)),
        "the reset gate multiplies h before the product; PyTorch computes r * (h W_hn^T + b_hn)":
            bugs.torch_gru(X, H0, w, reset="before"),
        "b_hn is added outside the reset gate; PyTorch computes r * (h W_hn^T + b_hn)":
            bugs.torch_gru(X, H0, w, b_hn_inside=False),
        "bias_hh_l0 is not used": vref.torch_gru_forward(X, H0, bugs.edited(w, bugs.zero("bias_hh_l0"))),
        "bias_ih_l0 is not used": vref.torch_gru_forward(X, H0, bugs.edited(w, bugs.zero("bias_ih_l0"))),
    })


def draw_course(rng, T=5, n=3, d=2, h=4, diagonal=False, bias_shape=(4,)):
    """A sequence, an initial state and course parameters, with a diagonal U_h if asked."""
    X, H0, p = rng.standard_normal((T, n, d)), rng.uniform(-1, 1, (n, h)), ref.init_params(d, h, rng, bias_shape)
    if diagonal:
        p["U_h"] = np.diag(rng.uniform(-1, 1, h))
    return X, H0, p


def student_weights(student, p, d, h):
    """The student's chapter_to_torch(p), checked to be the four arrays of PyTorch's shapes."""
    got = student.chapter_to_torch(p)
    shapes = torch_shapes(d, h)
    if not isinstance(got, dict):
        raise AssertionError(f"chapter_to_torch returned {describe(got)}, expected a dict with keys "
                             + ", ".join(shapes))
    missing = [k for k in shapes if k not in got]
    if missing:
        raise AssertionError(f"chapter_to_torch is missing {', '.join(missing)} (PyTorch's state_dict names)")
    return {k: as_float_array(got[k], name=f"chapter_to_torch[{k!r}]", shape=shape) for k, shape in shapes.items()}


def mapping_hints(X, H0, p):
    """What the mapped GRU computes when chapter_to_torch has one typical bug."""
    w = vref.chapter_to_torch(p)
    return {
        "the update gate is not negated: PyTorch's z keeps the old state where the course's Z takes the "
        "candidate; use -W_z, -U_z, -b_z (sigmoid(-a) = 1 - sigmoid(a))":
            vref.torch_gru_forward(X, H0, bugs.edited(w, bugs.negate_z)),
        "b_h went into the hidden bias (bias_hh_l0's n block), where PyTorch multiplies it by r; "
        "put it into bias_ih_l0": vref.torch_gru_forward(X, H0, bugs.edited(w, bugs.b_h_as_hidden_bias)),
        "the biases are missing": vref.torch_gru_forward(X, H0, bugs.edited(w, bugs.zero("bias_ih_l0"))),
        "the r and z blocks are swapped; PyTorch stacks the rows r, z, n":
            vref.torch_gru_forward(X, H0, bugs.edited(w, bugs.swap_r_z)),
    }


@MAPPING
@pytest.mark.requires_values("test_diagonal_U_h")
def test_shapes(student, rng):
    """chapter_to_torch returns the four arrays with PyTorch's names and shapes"""
    _, _, p = draw_course(rng, d=2, h=4)
    student_weights(student, p, 2, 4)


@MAPPING
@pytest.mark.parametrize("bias_shape", [(4,), (1, 4)], ids=["flat_bias", "row_bias"])
def test_dense_U_h(student, rng, bias_shape):
    """through torch_gru_forward, the mapped weights compute the course GRU with the reset gate after the product"""
    X, H0, p = draw_course(rng, bias_shape=bias_shape)
    got = vref.torch_gru_forward(X, H0, student_weights(student, p, 2, 4))
    assert_matches(got, ref.gru_forward(X, H0, p, reset="after"), name="the GRU of the mapped weights",
                   hints=mapping_hints(X, H0, p))


@MAPPING
def test_diagonal_U_h(student, rng):
    """through torch_gru_forward, the mapped weights compute the course GRU exactly when U_h is diagonal"""
    X, H0, p = draw_course(rng, diagonal=True)
    got = vref.torch_gru_forward(X, H0, student_weights(student, p, 2, 4))
    assert_matches(got, ref.gru_forward(X, H0, p), name="the GRU of the mapped weights",
                   hints=mapping_hints(X, H0, p))


@MAPPING
@pytest.mark.requires_values("test_diagonal_U_h")
def test_input_untouched(student, rng):
    """chapter_to_torch leaves the course parameters unchanged"""
    _, _, p = draw_course(rng)
    call = student.call("chapter_to_torch", p)
    after = call.args_after[0][0] if call.args_after and call.args_after[0] else None
    if not isinstance(after, dict) or after.keys() != p.keys():
        raise AssertionError("chapter_to_torch changed the keys of its input params")
    if not all(isinstance(after[k], np.ndarray) and np.array_equal(after[k], p[k]) for k in p):
        raise AssertionError("chapter_to_torch modified the input params in place; build new arrays "
                             "(e.g. -params['W_z'].T, not params['W_z'] *= -1)")


@GAP
@pytest.mark.requires_values("test_gap_for_dense_U_h")  # a constant 0 passes this one
def test_gap_vanishes_for_diagonal_U_h(student, rng):
    """reset_placement_gap is ~0 when U_h is diagonal, where (R * H) U_h = R * (H U_h)"""
    X, H0, p = draw_course(rng, diagonal=True)
    gap = as_float_array(student.reset_placement_gap(X, H0, p), name="reset_placement_gap", shape=())
    if not abs(float(gap)) < 1e-6:
        raise AssertionError("reset_placement_gap is not ~0 for a diagonal U_h, where both placements agree; it "
                             "compares gru_forward with torch_gru_forward on chapter_to_torch(params): check all three")


@GAP
@pytest.mark.parametrize("bias_shape", [(4,), (1, 4)], ids=["flat_bias", "row_bias"])
def test_gap_for_dense_U_h(student, rng, bias_shape):
    """reset_placement_gap is the largest |difference| of the two GRUs for a dense U_h"""
    X, H0, p = draw_course(rng, bias_shape=bias_shape)
    difference = ref.gru_forward(X, H0, p) - ref.gru_forward(X, H0, p, reset="after")
    # relative 1e-6; atol lets a gru_forward with float32 intermediates (rounding about 6e-8) pass
    assert_matches(student.reset_placement_gap(X, H0, p), vref.reset_placement_gap(X, H0, p),
                   name="reset_placement_gap", rtol=1e-6, atol=1e-7, hints={
                       "this is the mean difference; take the maximum": np.mean(np.abs(difference)),
                       "the absolute value is missing: take max |difference|": np.max(difference),
                       "the absolute value is missing: take max |difference| (the difference is "
                       "subtracted the other way)": np.max(-difference),
                       "this is the difference at the last time step only; take the maximum over all entries":
                           np.max(np.abs(difference[-1])),
                   })
