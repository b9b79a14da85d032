"""Student-facing assertions: what a wrong value is told, and that correct values pass."""
from __future__ import annotations

import numpy as np
import pytest

from grucourse.judge.checks import assert_grads_match, assert_matches, expect_tuple
from grucourse.judge.protocol import Foreign

EXPECTED = np.linspace(-1, 1, 15).reshape(3, 5)


@pytest.mark.parametrize("got, message", [
    (EXPECTED.tolist(), "f returned a list, expected a numpy array of shape (3, 5)"),
    (None, "f returned None (is a return statement missing?), expected a numpy array of shape (3, 5)"),
    (Foreign("torch.Tensor"), "f returned a torch.Tensor, expected a numpy array of shape (3, 5)"),
    (EXPECTED.T, "f returned an array of shape (5, 3), expected shape (3, 5) (transposed?)"),
    (EXPECTED * np.nan, "f returned NaN or infinite values (numerical overflow?)"),
    (EXPECTED + 0.5, "f returned wrong values (15 of 15 entries differ)"),
    (-EXPECTED, "f returned wrong values: the sign is flipped"),
])
def test_wrong_values_get_a_specific_message(got, message: str) -> None:
    with pytest.raises(AssertionError) as error:
        assert_matches(got, EXPECTED, name="f", hints={"the sign is flipped": -EXPECTED})
    assert str(error.value) == message


def test_messages_never_contain_the_values() -> None:
    with pytest.raises(AssertionError) as error:
        assert_matches(EXPECTED + 0.123456, EXPECTED, name="f")
    assert "0.12" not in str(error.value) and "-1." not in str(error.value)


def test_float32_results_pass_also_next_to_zero() -> None:
    rng = np.random.default_rng(1)
    expected = np.tanh(rng.standard_normal((50, 50)) @ rng.standard_normal((50, 50)) / 7)
    expected[0, 0] = 1e-9
    assert_matches(expected.astype(np.float32), expected, name="f")
    with pytest.raises(AssertionError):
        assert_matches(expected.astype(np.float16), expected, name="f")
    with pytest.raises(AssertionError):
        assert_matches(expected.astype(np.float32), expected, name="f", atol=1e-12, rtol=1e-12)


def test_scalars_and_tuples() -> None:
    assert_matches(2.0, 2.0, name="f")
    assert_matches(np.float64(2.0), 2.0, name="f")
    with pytest.raises(AssertionError, match="returned a bool, expected a number"):
        assert_matches(True, 1.0, name="f")
    assert expect_tuple((1, 2, 3), ["a", "b", "c"], name="g") == (1, 2, 3)
    with pytest.raises(AssertionError, match=r"^g returned 2 values, expected a tuple \(a, b, c\)$"):
        expect_tuple((1, 2), ["a", "b", "c"], name="g")


def test_gradient_dicts() -> None:
    expected = {"W": EXPECTED, "b": EXPECTED[0]}
    assert_grads_match({"W": EXPECTED.copy(), "b": EXPECTED[0].copy()}, expected, name="grads")
    with pytest.raises(AssertionError, match="^grads is missing the gradients b$"):
        assert_grads_match({"W": EXPECTED}, expected, name="grads")
    with pytest.raises(AssertionError, match="expected a dict with keys W, b"):
        assert_grads_match([EXPECTED], expected, name="grads")
    wrong = {"W": 2 * EXPECTED, "b": EXPECTED[0]}
    with pytest.raises(AssertionError, match=r"^grads returned wrong values: doubled$"):
        assert_grads_match(wrong, expected, name="grads", hints={"doubled": {"W": 2 * EXPECTED}})
    with pytest.raises(AssertionError, match=r"^grads\['W'\] returned wrong values \(14 of 15 entries differ\)$"):  # 2 * 0 is still 0
        assert_grads_match(wrong, expected, name="grads", hints={"halved": {"W": EXPECTED / 2}})


def test_the_closest_hint_is_named_whatever_the_order() -> None:
    """Two hints within the tolerance: the one nearer the student's value wins, in any order; a
    hint that explains some entries but not all is not named."""
    expected = {"W": EXPECTED, "b": EXPECTED[0] + 2}
    student = {"W": -EXPECTED, "b": EXPECTED[0] + 2 + 1e-9}
    near = {"W": -EXPECTED * (1 + 3e-6), "b": expected["b"]}
    for hints in ({"near": near, "exact": student}, {"exact": student, "near": near}):
        with pytest.raises(AssertionError, match="wrong values: exact$"):
            assert_grads_match(student, expected, name="grads", hints=hints)
        with pytest.raises(AssertionError, match="wrong values: exact$"):
            assert_matches(student["W"], expected["W"], name="f", hints={k: v["W"] for k, v in hints.items()})
    partial_only = {"W": -EXPECTED, "b": EXPECTED[0]}  # b is not what the student returned
    with pytest.raises(AssertionError, match=r"entries differ\)$"):
        assert_grads_match({"W": -EXPECTED, "b": EXPECTED[0] - 1}, expected, name="grads", hints={"x": partial_only})
