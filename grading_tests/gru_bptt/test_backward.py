"""Hidden checks for gru_cell_backward and gru_backward (BPTT).

The hints are the outputs of typical buggy implementations: the other update/reset conventions
(from the reference) and the slips of a hand-written backward (known_bugs): derivatives taken at
the pre-activations, dZ's sign, a missing term of dH_prev, dU_h without the reset gate, an
untransposed or transposed U, bias gradients averaged, and in the time loop gradients not summed
or not carried back, states off by one, dX reversed. The closest one to the student's value is named.
"""
import known_bugs as bugs
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
# explanation -> the slip's keyword for known_bugs.cell_backward
SLIPS = {
    "the derivatives are taken at the pre-activations: tanh' is 1 - H_tilde**2 and sigmoid' is R (1 - R), "
    "Z (1 - Z) (from the outputs), not 1 - a**2 and a (1 - a) of the pre-activations a":
        {"tanh_at_pre": True, "sigmoid_at_pre": True},
    "tanh' is taken at the candidate's pre-activation a: it is 1 - H_tilde**2 (tanh of a), not 1 - a**2":
        {"tanh_at_pre": True},
    "sigmoid' is taken at the gates' pre-activations a: it is R (1 - R) and Z (1 - Z), not a (1 - a)":
        {"sigmoid_at_pre": True},
    DZ_SIGN: {"dz_sign": -1.0},
    NO_DIRECT: {"direct": False},
    "dH_prev misses the path through the candidate: add (dA_h U_h^T) * R_t": {"candidate_path": False},
    "dH_prev misses the paths through the gates: add dA_r U_r^T + dA_z U_z^T": {"gate_paths": False},
    "dU_h uses H_prev, but the candidate multiplies R_t * H_prev by U_h: dU_h = (R_t * H_prev)^T dA_h":
        {"dU_h_of_H_prev": True},
    "dH_prev uses dA_r U_r where it needs U_r transposed: dA_r U_r^T": {"untransposed": "r"},
    "dH_prev uses dA_z U_z where it needs U_z transposed: dA_z U_z^T": {"untransposed": "z"},
    "the bias gradients are averaged over the batch: sum dA over the rows instead": {"bias_mean": True},
}
# explanation -> keyword for known_bugs.bptt: slips of the time loop
LOOP_SLIPS = {
    "the gradient dH_prev of each step is not carried back to the step before": {"carry": False},
    "step t is differentiated at the state after it: use H_(t-1), the state step t started from":
        {"states_after": True},
    "dX is in reverse time order: dX[t] must belong to X[t]": {"dX_reversed": True},
}


def draw(rng, T, n, d, h, bias_shape):
    """Upstream gradients, a sequence, an initial state and GRU parameters."""
    return (rng.standard_normal((T, n, h)), rng.standard_normal((T, n, d)), rng.uniform(-1, 1, (n, h)),
            ref.init_params(d, h, rng, bias_shape(h)))


def convention_variants(backward, *args):
    return {CHO: backward(*args, update="cho"), AFTER: backward(*args, reset="after")}


def part(variants, i):
    """The i-th output of every variant."""
    return {text: outputs[i] for text, outputs in variants.items()}


def transposed_U(grads):
    """Hints for one U gradient computed as dA^T H instead of H^T dA (the other entries right)."""
    return {f"dU_{g} is transposed: it is (the input of U_{g})^T dA_{g}, of shape (h, h) like U_{g}":
            {f"U_{g}": grads[f"U_{g}"].T} for g in "rzh"}


@pytest.fixture(params=CASES, ids=CASE_IDS)
def cell_case(request, student, rng):
    """The student's and the reference's (dX_t, dH_prev, grads) for one step, plus the bug variants."""
    dH, X, H0, p = draw(rng, *request.param)
    got = expect_tuple(student.gru_cell_backward(dH[0], X[0], H0, p), CELL_PARTS, name="gru_cell_backward")
    variants = convention_variants(ref.gru_cell_backward, dH[0], X[0], H0, p)
    variants.update({text: bugs.cell_backward(dH[0], X[0], H0, p, **slip) for text, slip in SLIPS.items()})
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
    assert_grads_match(got[2], expected[2], name="grads", hints={**part(variants, 2), **transposed_U(expected[2])})


@pytest.fixture(params=CASES, ids=CASE_IDS)
def sequence_case(request, student, rng):
    """The student's and the reference's (dX, dH0, grads) for a sequence, the bug variants and the
    per-step gradients."""
    dH, X, H0, p = draw(rng, *request.param)
    got = expect_tuple(student.gru_backward(dH, X, H0, p), SEQUENCE_PARTS, name="gru_backward")
    variants = convention_variants(ref.gru_backward, dH, X, H0, p)
    variants.update({text: bugs.bptt(dH, X, H0, p, **slip)[:3] for text, slip in {**SLIPS, **LOOP_SLIPS}.items()})
    return got, ref.gru_backward(dH, X, H0, p), variants, bugs.bptt(dH, X, H0, p)[3]


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
    hints = {**part(variants, 2), **transposed_U(expected[2])}
    hints["only the first time step's gradients are returned: sum (+=) the gradients of all steps"] = steps[0]
    hints["only the last time step's gradients are returned: sum (+=) the gradients of all steps"] = steps[-1]
    assert_grads_match(got[2], expected[2], name="grads", hints=hints)
