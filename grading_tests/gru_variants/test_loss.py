"""Hidden checks for mse_loss_and_grads: the adding-problem loss of the last state's readout and
its gradients for the nine GRU parameters and the readout W_y, b_y."""
import known_bugs as bugs
import pytest

from grucourse.gru import reference as ref
from grucourse.judge.checks import assert_grads_match, assert_matches, expect_tuple
from grucourse.variants import reference as vref

pytestmark = pytest.mark.grade_id("mse_loss_and_grads_tests")

CASES = [(6, 5, 2, 4, (4,)), (4, 3, 3, 2, (1, 2))]
CASE_IDS = ["T6_n5_d2_h4_flat_bias", "T4_n3_d3_h2_row_bias"]
SUMMED = "the loss is summed over the sequences; average it (mean), which also divides the gradients by n"


def draw(rng, T, n, d, h, bias_shape):
    """GRU and readout parameters, a sequence batch and targets."""
    p = ref.init_params(d, h, rng, bias_shape)
    p.update(W_y=rng.uniform(-1, 1, (h, 1)), b_y=rng.uniform(-1, 1, 1))
    return p, rng.standard_normal((T, n, d)), rng.uniform(0, 2, (n, 1))


@pytest.fixture(params=CASES, ids=CASE_IDS)
def case(request, student, rng):
    """The student's (loss, grads), the reference's, the batch size and the bug variants."""
    T, n, d, h, bias_shape = request.param
    p, X, y = draw(rng, T, n, d, h, bias_shape)
    got = expect_tuple(student.mse_loss_and_grads(p, X, y), ("loss", "grads"), name="mse_loss_and_grads")
    loss, grads = bugs.mse_loss_and_grads(p, X, y)
    variants = {
        "the update gate has the opposite role in gru_forward/gru_backward (Cho et al./PyTorch convention)":
            bugs.mse_loss_and_grads(p, X, y, update="cho"),
        "the reset gate is applied after the product with U_h in gru_forward/gru_backward (PyTorch placement)":
            bugs.mse_loss_and_grads(p, X, y, reset="after"),
        "the readout gradient is fed into every state H_t; y_hat uses only the last state, so only dH[-1] "
        "is nonzero": bugs.mse_loss_and_grads(p, X, y, every_step=True),
        "the factor 2 of d(y_hat - y)^2 / dy_hat is missing": bugs.mse_loss_and_grads(p, X, y, factor=1.0),
        SUMMED: (n * loss, {k: n * g for k, g in grads.items()}),
    }
    return got, vref.mse_loss_and_grads(p, X, y), variants


def test_loss(case):
    """the loss is the mean squared error of y_hat = H_T W_y + b_y"""
    got, expected, variants = case
    assert_matches(got[0], expected[0], name="the loss", shape=(),
                   hints={text: loss for text, (loss, _) in variants.items()})


@pytest.mark.weight(2)
def test_gradients(case):
    """the gradients of all eleven parameters, shaped like the parameters"""
    got, expected, variants = case
    assert_grads_match(got[1], expected[1], name="grads", hints={text: grads for text, (_, grads) in variants.items()})
