"""Hidden checks for numerical_gradient and clip_gradients.

numerical_gradient receives a Probe (functions cannot cross into the sandbox):
f(x) = sum(A * x**2) + sum(sin x), whose exact gradient is 2 A x + cos x.
"""
import numpy as np
import pytest

from grucourse.gru import reference as ref
from grucourse.judge.checks import assert_grads_match, assert_matches
from grucourse.judge.protocol import Probe

numerical = pytest.mark.grade_id("numerical_gradient_tests")
clipping = pytest.mark.grade_id("clip_gradients_tests")
# Only test_central_differences judges the difference scheme; the other checks accept any
# reasonable estimate (a one-sided difference with eps = 1e-6 is off by about 1e-6).
LOOSE = 1e-4


def probe_inputs(rng):
    """A, x (3, 4) and the exact gradient of the probe at x."""
    A, x = rng.uniform(0.5, 2.0, (3, 4)), rng.standard_normal((3, 4))
    return A, x, 2 * A * x + np.cos(x)


@numerical
@pytest.mark.weight(2)
def test_central_differences(student, rng):
    """numerical_gradient uses central differences (f(x + eps) - f(x - eps)) / (2 eps)"""
    A, x, _ = probe_inputs(rng)
    # The first row sits where the gradient 2 A x + cos x is zero, in (-1, 0) (Newton from 0, monotone:
    # the gradient is increasing and convex there; f'' = 2 A - sin x > 1): a one-sided difference is off by
    # about step * f'' / 2 > step / 2 whatever step it uses, even one hard-coded instead of eps, while
    # central differences with any step down to 1e-7 stay within atol.
    x[0] = 0.0
    for _ in range(30):
        x[0] -= (2 * A[0] * x[0] + np.cos(x[0])) / (2 * A[0] - np.sin(x[0]))
    exact = 2 * A * x + np.cos(x)
    eps = 1e-4  # large enough that a one-sided difference is visibly off
    got = student.numerical_gradient(Probe("quadratic", A=A), x, eps=eps)
    def forward(step: float) -> np.ndarray:
        return (A * ((x + step) ** 2 - x ** 2) + np.sin(x + step) - np.sin(x)) / step

    assert_matches(got, exact, name="numerical_gradient", atol=1e-7, hints={
        "this is a one-sided difference (f(x + eps) - f(x)) / eps; use central differences": forward(eps),
        "this is a one-sided difference; use central differences (f(x + eps) - f(x - eps)) / (2 eps)":
            2 * exact - forward(eps),
        "the difference is divided by eps instead of 2 eps": 2 * exact,
        "this is a one-sided difference (f(x + eps) - f(x)) / eps, and the eps argument is ignored; "
        "use central differences with the given eps": forward(1e-6),
    })


@numerical
def test_default_eps(student, rng):
    """numerical_gradient works with its default eps"""
    A, x, exact = probe_inputs(rng)
    assert_matches(student.numerical_gradient(Probe("quadratic", A=A), x), exact, name="numerical_gradient",
                   rtol=LOOSE, atol=LOOSE)


@numerical
@pytest.mark.requires_values("test_default_eps")
def test_restores_x(student, rng):
    """numerical_gradient leaves x exactly as it was"""
    A, x, _ = probe_inputs(rng)
    call = student.call("numerical_gradient", Probe("quadratic", A=A), x)
    after = call.args_after[0][1] if call.args_after and len(call.args_after[0]) > 1 else None
    if not isinstance(after, np.ndarray) or after.shape != x.shape:
        raise AssertionError("numerical_gradient replaced x")
    if not np.array_equal(after, x):
        raise AssertionError("numerical_gradient left x changed: store each entry and assign it back "
                             "(x + eps - eps is not always x)")


@numerical
def test_perturbs_in_place(student, rng):
    """numerical_gradient works for an f that reads x through a closure"""
    A, x, exact = probe_inputs(rng)
    got = student.numerical_gradient(Probe("closure_quadratic", A=A, x_index=1), x)
    assert_matches(got, exact, name="numerical_gradient", rtol=LOOSE, atol=LOOSE, hints={
        "f never saw the perturbation: change the entries of x itself (in place), not of a copy":
            np.zeros_like(x),
    })


def draw_grads(rng):
    """A gradient dict with the GRU's key names and mixed shapes, including an (h,) bias."""
    return {"W_r": 3 * rng.standard_normal((3, 4)), "U_z": 3 * rng.standard_normal((4, 4)),
            "b_h": 3 * rng.standard_normal(4)}


def global_norm(grads):
    return float(np.sqrt(sum(np.sum(g ** 2) for g in grads.values())))


@clipping
@pytest.mark.weight(2)
def test_clips_by_global_norm(student, rng):
    """clip_gradients scales every tensor by the same factor max_norm / global norm"""
    grads = draw_grads(rng)
    max_norm = rng.uniform(0.1, 0.5) * global_norm(grads)
    got = student.clip_gradients(grads, max_norm)
    assert_grads_match(got, ref.clip_gradients(grads, max_norm), name="clip_gradients", hints={
        "each tensor was clipped by its own norm; use one factor from the global norm of all tensors":
            {k: g * min(1.0, max_norm / np.linalg.norm(g)) for k, g in grads.items()},
        "the entries were clipped to [-max_norm, max_norm]; scale by max_norm / global norm instead":
            {k: np.clip(g, -max_norm, max_norm) for k, g in grads.items()},
        "the factor is inverted: multiply by max_norm / norm":
            {k: g * global_norm(grads) / max_norm for k, g in grads.items()},
    })


@clipping
@pytest.mark.requires_values("test_clips_by_global_norm")  # returning the input unchanged passes this one
def test_unchanged_below_max_norm(student, rng):
    """clip_gradients changes nothing when the global norm is already below max_norm"""
    grads = draw_grads(rng)
    max_norm = rng.uniform(1.5, 3.0) * global_norm(grads)
    assert_grads_match(student.clip_gradients(grads, max_norm), grads, name="clip_gradients", hints={
        "the gradients were rescaled although their norm was already below max_norm":
            {k: g * max_norm / global_norm(grads) for k, g in grads.items()},
    })


@clipping
@pytest.mark.requires_values("test_clips_by_global_norm")
def test_input_untouched(student, rng):
    """clip_gradients returns new arrays and leaves its input dict unchanged"""
    grads = draw_grads(rng)
    call = student.call("clip_gradients", grads, 0.1 * global_norm(grads))
    after = call.args_after[0][0] if call.args_after and call.args_after[0] else None
    if not isinstance(after, dict) or after.keys() != grads.keys():
        raise AssertionError("clip_gradients changed the keys of its input")
    if not all(np.array_equal(after[k], grads[k]) for k in grads):
        raise AssertionError("clip_gradients modified the input gradients in place; build a new dict of new arrays")
