"""The reference GRU is what students are graded against: check it against calculus and PyTorch."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from grucourse.gru import reference as ref
from grucourse.gru.core import RESETS, UPDATES

CONVENTIONS = list(itertools.product(UPDATES, RESETS))
BIAS_SHAPES = ["flat", "row"]


def make_problem(rng: np.random.Generator, T: int, n: int, d: int, h: int, bias: str = "flat", scale: float = 1.0):
    params = ref.init_params(d, h, rng, (h,) if bias == "flat" else (1, h), reset_after_bias=True)
    params = {k: v * 2.0 for k, v in params.items()}  # larger than PyTorch's init, so gates vary
    X = scale * rng.standard_normal((T, n, d))
    H0 = scale * rng.standard_normal((n, h))
    dH = rng.standard_normal((T, n, h))
    return X, H0, params, dH


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300))


@pytest.mark.parametrize("bias", BIAS_SHAPES)
@pytest.mark.parametrize("update,reset", CONVENTIONS)
def test_backward_matches_central_differences(update, reset, bias):
    rng = np.random.default_rng([7, UPDATES.index(update), RESETS.index(reset), BIAS_SHAPES.index(bias)])
    T, n, d, h = (int(v) for v in rng.integers(1, 5, size=4))
    X, H0, params, dH = make_problem(rng, T + 1, n, d, h, bias)

    def loss(_: np.ndarray) -> float:
        return float(np.sum(dH * ref.gru_forward(X, H0, params, update=update, reset=reset)))

    dX, dH0, grads = ref.gru_backward(dH, X, H0, params, update=update, reset=reset)
    assert set(grads) == set(params)
    for name, value in [*params.items(), ("X", X), ("H0", H0)]:
        analytic = {"X": dX, "H0": dH0}.get(name, grads.get(name))
        assert analytic.shape == value.shape, name
        if name == "b_hn" and reset == "before":
            assert not analytic.any()  # b_hn is unused before the product
            continue
        assert rel_error(ref.numerical_gradient(loss, value), analytic) < 1e-6, name


@pytest.mark.parametrize("update,reset", CONVENTIONS)
def test_sequence_is_the_chain_of_cells(update, reset):
    """gru_forward / gru_backward agree with stepping the gate functions and the cell backward."""
    rng = np.random.default_rng(11)
    X, H0, params, dH = make_problem(rng, 4, 3, 2, 5, "row")
    p, opts = params, {"update": update, "reset": reset}
    H = ref.gru_forward(X, H0, params, **opts)
    states = [H0]
    for X_t in X:
        R = ref.reset_gate(X_t, states[-1], p["W_r"], p["U_r"], p["b_r"])
        Z = ref.update_gate(X_t, states[-1], p["W_z"], p["U_z"], p["b_z"])
        H_tilde = ref.candidate_hidden_state(
            X_t, states[-1], R, p["W_h"], p["U_h"], p["b_h"], reset=reset, b_hn=p["b_hn"]
        )
        states.append(ref.hidden_state(states[-1], Z, H_tilde, update=update))
        assert states[-1].shape == (3, 5)
        cell = ref.gru_cell_forward(X_t, states[-2], params, **opts)
        np.testing.assert_allclose(cell, states[-1], rtol=0, atol=1e-14)
    np.testing.assert_allclose(H, np.stack(states[1:]), rtol=0, atol=1e-14)

    dX, dH0, grads = ref.gru_backward(dH, X, H0, params, **opts)
    carried, total = np.zeros_like(H0), {k: np.zeros_like(v) for k, v in params.items()}
    for t in reversed(range(len(X))):
        dX_t, carried, g = ref.gru_cell_backward(dH[t] + carried, X[t], states[t], params, **opts)
        np.testing.assert_allclose(dX_t, dX[t], rtol=0, atol=1e-12)
        total = {k: total[k] + g[k] for k in total}
    np.testing.assert_allclose(carried, dH0, rtol=0, atol=1e-12)
    for k in params:
        np.testing.assert_allclose(total[k], grads[k], rtol=0, atol=1e-12, err_msg=k)


def test_reference_follows_the_chapter_equation():
    """Z = 1 takes the candidate and Z = 0 keeps the old state (SPEC §2); the options swap or move gates."""
    rng = np.random.default_rng(3)
    H_prev, H_tilde = rng.standard_normal((2, 3, 4))
    ones, zeros = np.ones((3, 4)), np.zeros((3, 4))
    np.testing.assert_array_equal(ref.hidden_state(H_prev, ones, H_tilde), H_tilde)
    np.testing.assert_array_equal(ref.hidden_state(H_prev, zeros, H_tilde), H_prev)
    np.testing.assert_array_equal(ref.hidden_state(H_prev, ones, H_tilde, update="cho"), H_prev)
    X, H, R = rng.standard_normal((3, 5)), rng.standard_normal((3, 4)), rng.uniform(size=(3, 4))
    W, U, b = rng.standard_normal((5, 4)), rng.standard_normal((4, 4)), rng.standard_normal(4)
    np.testing.assert_allclose(ref.candidate_hidden_state(X, H, R, W, U, b), np.tanh(X @ W + (R * H) @ U + b))
    after = ref.candidate_hidden_state(X, H, R, W, U, b, reset="after", b_hn=b)
    np.testing.assert_allclose(after, np.tanh(X @ W + b + R * (H @ U + b)))
    np.testing.assert_allclose(ref.reset_gate(X, H, W, U, b), 1 / (1 + np.exp(-(X @ W + H @ U + b))))
    np.testing.assert_allclose(ref.update_gate(X, H, W, U, b[None]), ref.reset_gate(X, H, W, U, b))


@pytest.mark.parametrize("reset", RESETS)
def test_negating_update_weights_maps_chapter_onto_cho(reset):
    rng = np.random.default_rng(5)
    X, H0, params, dH = make_problem(rng, 3, 2, 3, 4)
    negated = {k: -v if k.endswith("_z") else v for k, v in params.items()}
    chapter = ref.gru_backward(dH, X, H0, params, update="chapter", reset=reset)
    cho = ref.gru_backward(dH, X, H0, negated, update="cho", reset=reset)
    np.testing.assert_allclose(ref.gru_forward(X, H0, params, reset=reset),
                               ref.gru_forward(X, H0, negated, update="cho", reset=reset), rtol=0, atol=1e-14)
    for a, b in zip(chapter[:2], cho[:2], strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)
    for k in params:
        np.testing.assert_allclose(chapter[2][k], -cho[2][k] if k.endswith("_z") else cho[2][k], rtol=0, atol=1e-12)


@pytest.mark.parametrize("update", UPDATES)
def test_matches_torch_gru(update):
    import torch

    from grucourse.gru import torch_map

    rng = np.random.default_rng([13, UPDATES.index(update)])
    X, H0, params, dH = make_problem(rng, 6, 3, 5, 7)
    gru = torch_map.torch_gru(params, update=update)
    X_t = torch.tensor(X, requires_grad=True)
    H0_t = torch.tensor(H0[None], requires_grad=True)
    out, _ = gru(X_t, H0_t)
    out.backward(torch.from_numpy(dH))

    H = ref.gru_forward(X, H0, params, update=update, reset="after")
    dX, dH0, grads = ref.gru_backward(dH, X, H0, params, update=update, reset="after")
    np.testing.assert_allclose(H, out.detach().numpy(), rtol=0, atol=1e-10)
    np.testing.assert_allclose(dX, X_t.grad.numpy(), rtol=0, atol=1e-10)
    np.testing.assert_allclose(dH0, H0_t.grad.numpy()[0], rtol=0, atol=1e-10)
    torch_grads = torch_map.grads_from_torch(gru, update=update)
    back = torch_map.params_from_torch(gru, update=update)
    for k in params:
        np.testing.assert_allclose(grads[k].reshape(-1), torch_grads[k].reshape(-1), rtol=0, atol=1e-10, err_msg=k)
        np.testing.assert_allclose(back[k], params[k], rtol=0, atol=1e-15, err_msg=k)


def test_torch_differs_from_the_chapter_convention():
    """The mapping is needed: PyTorch's GRU on the same weights is not the chapter's GRU."""
    import torch

    from grucourse.gru import torch_map

    X, H0, params, _ = make_problem(np.random.default_rng(17), 4, 2, 3, 4)
    out, _ = torch_map.torch_gru(params, update="cho")(torch.from_numpy(X), torch.from_numpy(H0[None]))
    assert np.abs(out.detach().numpy() - ref.gru_forward(X, H0, params)).max() > 1e-2


shapes = st.tuples(*(st.integers(1, 4) for _ in range(4)))
conventions = st.sampled_from(CONVENTIONS)


@pytest.mark.filterwarnings("error")
@settings(max_examples=40, deadline=None)
@example(shape=(1, 1, 1, 1), convention=("chapter", "before"), bias="row", seed=0, scale=1000.0)
@example(shape=(1, 1, 1, 1), convention=("cho", "after"), bias="flat", seed=1, scale=1000.0)
@given(shape=shapes, convention=conventions, bias=st.sampled_from(BIAS_SHAPES), seed=st.integers(0, 2**32 - 1),
       scale=st.sampled_from([1.0, 1000.0]))
def test_any_shape_and_huge_inputs_stay_finite_and_silent(shape, convention, bias, seed, scale):
    T, n, d, h = shape
    update, reset = convention
    rng = np.random.default_rng(seed)
    X, H0, params, dH = make_problem(rng, T, n, d, h, bias, scale)
    before = {k: v.copy() for k, v in [*params.items(), ("X", X), ("H0", H0)]}
    H = ref.gru_forward(X, H0, params, update=update, reset=reset)
    dX, dH0, grads = ref.gru_backward(dH, X, H0, params, update=update, reset=reset)
    assert H.shape == (T, n, h) and dX.shape == X.shape and dH0.shape == H0.shape
    assert np.isfinite(H).all() and np.isfinite(dX).all() and np.isfinite(dH0).all()
    assert np.abs(H).max() <= max(1.0, np.abs(H0).max())  # a convex mix of tanh values and H0
    for k, v in params.items():
        assert grads[k].shape == v.shape and np.isfinite(grads[k]).all()
    for k, v in [*params.items(), ("X", X), ("H0", H0)]:
        np.testing.assert_array_equal(v, before[k], err_msg=f"{k} was modified")


@pytest.mark.filterwarnings("error")
def test_sigmoid_is_stable_and_exact():
    x = np.array([-1000.0, -745.0, -30.0, -1.0, 0.0, 1.0, 30.0, 709.0, 1000.0])
    s = ref.sigmoid(x)
    np.testing.assert_array_equal(s[[0, -1]], [0.0, 1.0])
    assert s[4] == 0.5
    np.testing.assert_allclose(s[2:-2], 1 / (1 + np.exp(-x[2:-2])), rtol=1e-15)
    np.testing.assert_allclose(ref.sigmoid(-x), 1 - s, rtol=0, atol=3e-16)
    assert ref.sigmoid(np.zeros((2, 3))).shape == (2, 3)
    assert 0 < ref.sigmoid(np.array([-700.0]))[0] < 1e-300  # relative accuracy in the far tail


def test_numerical_gradient_restores_x_exactly_and_sees_closures():
    rng = np.random.default_rng(19)
    x = rng.standard_normal((3, 4)) * 1e3 + 0.1  # x + eps - eps != x in the last bit for many entries
    original = x.copy()
    A = rng.standard_normal((3, 4))
    calls = []

    def closure(_: np.ndarray) -> float:  # ignores its argument: reads x from the enclosing scope
        calls.append(x.copy())
        return float(np.sum(A * np.sin(x / 1e3)))

    g = ref.numerical_gradient(closure, x)
    np.testing.assert_array_equal(x, original)
    assert g.shape == x.shape and g.dtype == np.float64
    np.testing.assert_allclose(g, A * np.cos(x / 1e3) / 1e3, rtol=1e-5)
    assert len(calls) == 2 * x.size
    assert sum((c != original).sum() for c in calls) == 2 * x.size  # one entry perturbed per call
    quadratic = ref.numerical_gradient(lambda v: float(np.sum(A * v**2)), x, eps=1e-4)
    np.testing.assert_allclose(quadratic, 2 * A * x, rtol=1e-6)


def test_clip_gradients_scales_all_tensors_by_one_factor():
    rng = np.random.default_rng(23)
    grads = {"W_r": rng.standard_normal((3, 4)) * 10, "b_r": rng.standard_normal(4), "U_r": rng.standard_normal((4, 4))}
    saved = {k: v.copy() for k, v in grads.items()}
    norm = np.sqrt(sum(np.sum(v**2) for v in grads.values()))
    clipped = ref.clip_gradients(grads, norm / 4)
    assert clipped is not grads and set(clipped) == set(grads)
    for k in grads:
        np.testing.assert_array_equal(grads[k], saved[k])
        np.testing.assert_allclose(clipped[k], grads[k] / 4, rtol=1e-14)
    assert np.sqrt(sum(np.sum(v**2) for v in clipped.values())) <= norm / 4 * (1 + 1e-12)
    barely = ref.clip_gradients(grads, norm * 0.99)
    np.testing.assert_allclose(barely["b_r"], grads["b_r"] * 0.99, rtol=1e-14)
    kept = ref.clip_gradients(grads, norm * 2)
    for k in grads:
        np.testing.assert_array_equal(kept[k], grads[k])
        assert kept[k] is not grads[k]
    kept["W_r"][0, 0] = 1e9
    np.testing.assert_array_equal(grads["W_r"], saved["W_r"])


def test_bias_shapes_give_the_same_numbers_in_their_own_shape():
    rng = np.random.default_rng(29)
    X, H0, params, dH = make_problem(rng, 3, 2, 3, 4, "row")
    flat = {k: v.reshape(4) if k.startswith("b_") else v for k, v in params.items()}
    dX_r, dH0_r, g_row = ref.gru_backward(dH, X, H0, params)
    dX_f, dH0_f, g_flat = ref.gru_backward(dH, X, H0, flat)
    np.testing.assert_array_equal(dX_r, dX_f)
    for k in params:
        assert g_row[k].shape == params[k].shape and g_flat[k].shape == flat[k].shape
        np.testing.assert_array_equal(g_row[k].reshape(-1), g_flat[k].reshape(-1))


def test_params_without_b_hn_and_bad_options():
    rng = np.random.default_rng(31)
    X, H0, params, dH = make_problem(rng, 2, 2, 3, 4)
    plain = {k: v for k, v in params.items() if k != "b_hn"}
    zero = {**params, "b_hn": np.zeros(4)}
    np.testing.assert_array_equal(
        ref.gru_forward(X, H0, plain, reset="after"), ref.gru_forward(X, H0, zero, reset="after")
    )
    assert set(ref.gru_backward(dH, X, H0, plain, reset="after")[2]) == set(plain)
    with pytest.raises(ValueError, match="update"):
        ref.gru_forward(X, H0, params, update="keras")
    with pytest.raises(ValueError, match="update"):
        ref.hidden_state(H0, H0, H0, update="none")
    with pytest.raises(ValueError, match="reset"):
        ref.candidate_hidden_state(X[0], H0, H0, params["W_h"], params["U_h"], params["b_h"], reset="inside")
    with pytest.raises(KeyError, match="U_h"):
        ref.gru_forward(X, H0, {k: v for k, v in params.items() if k != "U_h"})
    with pytest.raises(ValueError, match=r"params\['U_z'\] has shape \(4, 3\), expected \(4, 4\)"):
        ref.gru_forward(X, H0, {**params, "U_z": params["U_z"][:, :3]})
    with pytest.raises(ValueError, match=r"params\['b_hn'\] has shape \(2, 2\)"):
        ref.gru_forward(X, H0, {**params, "b_hn": np.zeros((2, 2))})
    with pytest.raises(ValueError, match="X has shape"):
        ref.gru_forward(X[0], H0, params)
    with pytest.raises(ValueError, match=r"H0 has shape \(4,\), expected \(2, 4\)"):
        ref.gru_forward(X, H0[0], params)
    with pytest.raises(ValueError, match="dH has shape"):
        ref.gru_backward(dH[:1], X, H0, params)


SPEC_SIGNATURES = {
    "sigmoid": ["x"],
    "reset_gate": ["X_t", "H_prev", "W_r", "U_r", "b_r"],
    "update_gate": ["X_t", "H_prev", "W_z", "U_z", "b_z"],
    "candidate_hidden_state": ["X_t", "H_prev", "R_t", "W_h", "U_h", "b_h"],
    "hidden_state": ["H_prev", "Z_t", "H_tilde"],
    "gru_cell_forward": ["X_t", "H_prev", "params"],
    "gru_forward": ["X", "H0", "params"],
    "gru_cell_backward": ["dH_t", "X_t", "H_prev", "params"],
    "gru_backward": ["dH", "X", "H0", "params"],
    "numerical_gradient": ["f", "x", "eps"],
    "clip_gradients": ["grads", "max_norm"],
}


def test_api_has_the_spec_signatures():
    """Hidden tests call these positionally (SPEC §3): extras must be keyword-only."""
    import inspect

    assert set(ref.GRU_GATES_API) | set(ref.GRU_BPTT_API) == set(SPEC_SIGNATURES)
    for name, expected in SPEC_SIGNATURES.items():
        parameters = inspect.signature(getattr(ref, name)).parameters.values()
        positional = [p.name for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD]
        assert positional == expected, name
    assert inspect.signature(ref.numerical_gradient).parameters["eps"].default == 1e-6


@pytest.mark.filterwarnings("error")
def test_gate_functions_are_silent_on_huge_inputs(capsys):
    rng = np.random.default_rng(37)
    X, H = 1000 * rng.standard_normal((3, 4)), 1000 * rng.standard_normal((3, 5))
    W, U, b = rng.standard_normal((4, 5)), rng.standard_normal((5, 5)), rng.standard_normal((1, 5))
    R = ref.reset_gate(X, H, W, U, b)
    Z = ref.update_gate(X, H, W, U, b)
    H_tilde = ref.candidate_hidden_state(X, H, R, W, U, b)
    for values in (R, Z, H_tilde, ref.hidden_state(H, Z, H_tilde)):
        assert np.isfinite(values).all() and values.shape == (3, 5)
    assert ((R == 0) | (R == 1)).mean() > 0.5  # the inputs really did saturate the gates
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("update", UPDATES)
def test_missing_direct_path_hint_drops_exactly_the_direct_term(update):
    rng = np.random.default_rng([41, UPDATES.index(update)])
    X, H0, params, dH = make_problem(rng, 1, 3, 2, 4)
    p = params
    Z = ref.update_gate(X[0], H0, p["W_z"], p["U_z"], p["b_z"])
    keep = (1 - Z) if update == "chapter" else Z  # the share of H_prev carried straight into H_t
    full = ref.gru_cell_backward(dH[0], X[0], H0, params, update=update)
    buggy = ref.gru_cell_backward(dH[0], X[0], H0, params, update=update, direct_path=False)
    np.testing.assert_allclose(buggy[1], full[1] - dH[0] * keep, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(buggy[0], full[0])
    seq = ref.gru_backward(dH, X, H0, params, update=update, direct_path=False)
    np.testing.assert_array_equal(seq[1], buggy[1])


def test_importing_the_reference_does_not_import_torch():
    """Graders and students' checks import the reference; torch would add seconds to each."""
    import subprocess
    import sys

    code = "import sys, grucourse.gru.reference, grucourse.gru.torch_map; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@settings(max_examples=60, deadline=None)
@example(shape=(1, 1, 1, 1), convention=("chapter", "before"), seed=0)
@example(shape=(1, 1, 1, 1), convention=("cho", "after"), seed=1)
@given(shape=shapes, convention=conventions, seed=st.integers(0, 2**32 - 1))
def test_directional_derivative_matches_on_any_shape(shape, convention, seed):
    """<gradient, v> equals the central difference of the loss along a random direction v."""
    T, n, d, h = shape
    update, reset = convention
    rng = np.random.default_rng(seed)
    X, H0, params, dH = make_problem(rng, T, n, d, h)
    point = {**params, "X": X, "H0": H0}
    v = {k: rng.standard_normal(a.shape) for k, a in point.items()}

    def loss(step: float) -> float:
        p = {k: a + step * v[k] for k, a in point.items()}
        H = ref.gru_forward(p.pop("X"), p.pop("H0"), p, update=update, reset=reset)
        return float(np.sum(dH * H))

    dX, dH0, grads = ref.gru_backward(dH, X, H0, params, update=update, reset=reset)
    gradient = {**grads, "X": dX, "H0": dH0}
    analytic = sum(float(np.vdot(gradient[k], v[k])) for k in point)
    bound = np.sqrt(sum(np.vdot(g, g) for g in gradient.values()) * sum(np.vdot(a, a) for a in v.values()))
    numeric = (loss(1e-6) - loss(-1e-6)) / 2e-6
    assert abs(numeric - analytic) <= 1e-7 * (abs(analytic) + bound)
