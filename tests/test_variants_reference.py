"""The gru_variants reference is what students are graded against: check it against PyTorch, the
minGRU paper's own log-space code, calculus, and the training budget the grader gives a student."""

from __future__ import annotations

import inspect
import time

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import example, given, settings
from hypothesis import strategies as st

from grucourse.gru import reference as ref
from grucourse.variants import reference as vref

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")  # numpy's overflow / invalid-value warnings

BIAS_SHAPES = ["flat", "row"]
CONTRACT_SIGNATURES = {
    "sigmoid": ["x"],
    "gru_forward": ["X", "H0", "params"],
    "gru_backward": ["dH", "X", "H0", "params"],
    "torch_gru_forward": ["X", "H0", "weights"],
    "chapter_to_torch": ["params"],
    "reset_placement_gap": ["X", "H0", "params"],
    "g": ["x"],
    "log_g": ["x"],
    "mingru_sequential": ["X", "h0", "params"],
    "parallel_scan_log": ["log_coeffs", "log_values"],
    "mingru_parallel": ["X", "h0", "params"],
    "adding_problem": ["n", "T", "seed"],
    "mse_loss_and_grads": ["params", "X", "y"],
    "adam_init": ["params"],
    "adam_step": ["params", "grads", "state", "lr", "beta1", "beta2", "eps"],
    "train_adding": ["params", "X", "y", "steps", "lr", "batch_size", "seed"],
    "param_counts": ["d", "h"],
}
CONTRACT_DEFAULTS = {
    "adam_step": {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
    "train_adding": {"lr": 0.01, "batch_size": 32, "seed": 0},
}


def bias_shape(bias: str, h: int) -> tuple[int, ...]:
    return (h,) if bias == "flat" else (1, h)


def gru_params(rng: np.random.Generator, d: int, h: int, bias: str = "flat") -> dict[str, np.ndarray]:
    """Course GRU parameters twice PyTorch's init range, so that the gates really vary."""
    return {k: 2.0 * v for k, v in ref.init_params(d, h, rng, bias_shape(bias, h)).items()}


def mingru_params(rng: np.random.Generator, d: int, h: int, bias: str = "flat") -> dict[str, np.ndarray]:
    shapes = {"W_z": (d, h), "W_h": (d, h), "b_z": bias_shape(bias, h), "b_h": bias_shape(bias, h)}
    return {k: rng.standard_normal(s) for k, s in shapes.items()}


def adding_params(rng: np.random.Generator, h: int) -> dict[str, np.ndarray]:
    """The course GRU on the adding problem's two input channels plus a linear read-out."""
    k = 1.0 / np.sqrt(h)
    return {**ref.init_params(2, h, rng), "W_y": rng.uniform(-k, k, (h, 1)), "b_y": np.zeros(1)}


def torch_gru(weights: dict[str, np.ndarray]) -> torch.nn.GRU:
    """A real float64 torch.nn.GRU holding these arrays (load_state_dict checks names and shapes)."""
    h, d = weights["weight_ih_l0"].shape[0] // 3, weights["weight_ih_l0"].shape[1]
    gru = torch.nn.GRU(d, h, dtype=torch.float64)
    gru.load_state_dict({k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in weights.items()})
    return gru


def run_torch(gru: torch.nn.GRU, X: np.ndarray, H0: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return gru(torch.from_numpy(X), torch.from_numpy(H0[None]))[0].numpy()


def test_api_has_the_contract_signatures():
    """Hidden tests call these positionally in notebook order; extras would have to be keyword-only."""
    assert tuple(CONTRACT_SIGNATURES) == vref.GRU_VARIANTS_API
    assert set(vref.__all__) == {*CONTRACT_SIGNATURES, "GRU_VARIANTS_API"}
    for name, expected in CONTRACT_SIGNATURES.items():
        parameters = inspect.signature(getattr(vref, name)).parameters.values()
        assert [p.name for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD] == expected, name
        defaults = {p.name: p.default for p in parameters if p.default is not p.empty and p.kind is not p.KEYWORD_ONLY}
        assert defaults == CONTRACT_DEFAULTS.get(name, {}), name


# --- 1. Conventions: the course GRU against PyTorch's -------------------------------------------


@pytest.mark.parametrize("T,n,d,h", [(1, 1, 1, 1), (5, 3, 4, 6), (8, 2, 3, 2)])
def test_torch_gru_forward_equals_torch_nn_gru(T, n, d, h):
    rng = np.random.default_rng([101, T, n, d, h])
    weights = {
        "weight_ih_l0": rng.standard_normal((3 * h, d)),
        "weight_hh_l0": rng.standard_normal((3 * h, h)),
        "bias_ih_l0": rng.standard_normal(3 * h),
        "bias_hh_l0": rng.standard_normal(3 * h),  # the n-block sits inside r * (...): it matters on its own
    }
    X, H0 = rng.standard_normal((T, n, d)), rng.standard_normal((n, h))
    H = vref.torch_gru_forward(X, H0, weights)
    assert H.shape == (T, n, h) and H.dtype == np.float64
    np.testing.assert_allclose(H, run_torch(torch_gru(weights), X, H0), rtol=0, atol=1e-12)


@pytest.mark.parametrize("bias", BIAS_SHAPES)
def test_chapter_to_torch_gives_the_course_gru_when_the_reset_placement_cannot_matter(bias):
    """(R * H) U = R * (H U) for diagonal U: PyTorch's GRU on the mapped weights is then the course GRU."""
    rng = np.random.default_rng([103, BIAS_SHAPES.index(bias)])
    T, n, d, h = 6, 3, 4, 5
    params = {**gru_params(rng, d, h, bias), "U_h": np.diag(2.0 * rng.standard_normal(h))}
    X, H0 = rng.standard_normal((T, n, d)), rng.standard_normal((n, h))
    weights = vref.chapter_to_torch(params)
    assert {k: v.shape for k, v in weights.items()} == {
        "weight_ih_l0": (3 * h, d), "weight_hh_l0": (3 * h, h), "bias_ih_l0": (3 * h,), "bias_hh_l0": (3 * h,)
    }
    course = ref.gru_forward(X, H0, params)
    np.testing.assert_allclose(run_torch(torch_gru(weights), X, H0), course, rtol=0, atol=1e-12)
    assert vref.reset_placement_gap(X, H0, params) < 1e-12
    # The negated update gate is what makes this work: unnegated, PyTorch keeps what the course replaces.
    flip = np.repeat([1.0, -1.0, 1.0], h)
    plain = {k: v * (flip[:, None] if v.ndim == 2 else flip) for k, v in weights.items()}
    assert np.abs(run_torch(torch_gru(plain), X, H0) - course).max() > 1e-2


@pytest.mark.parametrize("bias", BIAS_SHAPES)
def test_chapter_to_torch_moves_the_reset_gate_after_the_product_for_dense_u_h(bias):
    rng = np.random.default_rng([107, BIAS_SHAPES.index(bias)])
    T, n, d, h = 6, 3, 4, 5
    params = gru_params(rng, d, h, bias)
    X, H0 = rng.standard_normal((T, n, d)), rng.standard_normal((n, h))
    torch_out = run_torch(torch_gru(vref.chapter_to_torch(params)), X, H0)
    np.testing.assert_allclose(torch_out, ref.gru_forward(X, H0, params, reset="after"), rtol=0, atol=1e-12)
    gap = np.abs(torch_out - ref.gru_forward(X, H0, params)).max()
    assert gap > 1e-3  # the two placements really are different GRUs
    assert vref.reset_placement_gap(X, H0, params) == pytest.approx(gap, rel=0, abs=1e-12)
    assert isinstance(vref.reset_placement_gap(X, H0, params), float)


# --- 2. minGRU ------------------------------------------------------------------------------------


def softplus(x: torch.Tensor) -> torch.Tensor:
    """torch's softplus returns x itself above threshold=20, an error of up to e^-20 = 2e-9; exact here."""
    return F.softplus(x, threshold=700.0)


def paper_mingru(X: np.ndarray, h0: np.ndarray, params: dict[str, np.ndarray]) -> np.ndarray:
    """The log-space minGRU of Feng et al. 2024 (appendix listing) in torch, batch first as there."""

    def log_g(x: torch.Tensor) -> torch.Tensor:
        return torch.where(x >= 0, (F.relu(x) + 0.5).log(), -softplus(-x))

    def parallel_scan_log(log_coeffs: torch.Tensor, log_values: torch.Tensor) -> torch.Tensor:
        a_star = F.pad(torch.cumsum(log_coeffs, dim=1), (0, 0, 1, 0))
        log_h0_plus_b_star = torch.logcumsumexp(log_values - a_star, dim=1)
        return torch.exp(a_star + log_h0_plus_b_star)[:, 1:]

    h = params["W_z"].shape[1]
    t = {k: torch.from_numpy(np.asarray(v)) for k, v in params.items()}
    x = torch.from_numpy(X).transpose(0, 1)  # (n, T, d)
    k = F.linear(x, t["W_z"].T, t["b_z"].reshape(h))
    log_z, log_coeffs = -softplus(-k), -softplus(k)
    log_tilde_h = log_g(F.linear(x, t["W_h"].T, t["b_h"].reshape(h)))
    log_h0 = torch.from_numpy(h0).log()[:, None]
    out = parallel_scan_log(log_coeffs, torch.cat([log_h0, log_z + log_tilde_h], dim=1))
    return out.transpose(0, 1).numpy()


@settings(max_examples=60, deadline=None)
@example(shape=(1, 1, 1, 1), bias="row", scale=1.0, seed=0)
@given(
    shape=st.tuples(st.integers(1, 30), st.integers(1, 3), st.integers(1, 4), st.integers(1, 4)),
    bias=st.sampled_from(BIAS_SHAPES),
    scale=st.sampled_from([0.1, 1.0, 3.0]),
    seed=st.integers(0, 2**32 - 1),
)
def test_mingru_parallel_equals_sequential_and_the_papers_code(shape, bias, scale, seed):
    T, n, d, h = shape
    rng = np.random.default_rng(seed)
    params = {k: scale * v for k, v in mingru_params(rng, d, h, bias).items()}
    X, h0 = rng.standard_normal((T, n, d)), rng.uniform(0.1, 2.0, (n, h))
    sequential = vref.mingru_sequential(X, h0, params)
    parallel = vref.mingru_parallel(X, h0, params)
    assert sequential.shape == parallel.shape == (T, n, h)
    np.testing.assert_allclose(parallel, sequential, rtol=1e-10, atol=0)
    np.testing.assert_allclose(parallel, paper_mingru(X, h0, params), rtol=1e-10, atol=0)


def test_mingru_sequential_follows_the_recurrence_step_by_step():
    """The first two steps by hand: the gates see only X_t, never the previous state."""
    rng = np.random.default_rng(109)
    params = mingru_params(rng, 3, 4, "row")
    X, h0 = rng.standard_normal((2, 5, 3)), rng.uniform(0.5, 1.5, (5, 4))
    H = vref.mingru_sequential(X, h0, params)
    state = h0
    for t in range(2):
        z = 1.0 / (1.0 + np.exp(-(X[t] @ params["W_z"] + params["b_z"])))
        pre = X[t] @ params["W_h"] + params["b_h"]
        tilde = np.where(pre >= 0, pre + 0.5, 1.0 / (1.0 + np.exp(-pre)))
        state = (1 - z) * state + z * tilde
        np.testing.assert_allclose(H[t], state, rtol=1e-14)


def test_mingru_parallel_rejects_a_non_positive_h0():
    rng = np.random.default_rng(113)
    params = mingru_params(rng, 2, 3)
    with pytest.raises(ValueError, match="h0 must be positive"):
        vref.mingru_parallel(rng.standard_normal((4, 2, 2)), np.zeros((2, 3)), params)


def test_g_and_log_g_are_continuous_at_zero_and_finite_at_1000():
    tiny = np.array([-1e-300, 0.0, 1e-300])
    np.testing.assert_allclose(vref.g(tiny), 0.5, rtol=1e-15)
    np.testing.assert_allclose(vref.log_g(tiny), np.log(0.5), rtol=1e-15)
    left, right = vref.g(np.array([-1e-8, 1e-8]))
    assert abs(left - 0.5) < 1e-8 and abs(right - 0.5) < 2e-8  # no jump at 0
    big = np.array([-1000.0, 1000.0])
    np.testing.assert_array_equal(vref.g(big), [0.0, 1000.5])  # e^-1000 is below the smallest double
    np.testing.assert_allclose(vref.log_g(big), [-1000.0, np.log(1000.5)], rtol=1e-15)
    assert 0 < vref.g(np.array([-700.0]))[0] < 1e-300  # still positive where a double can say so
    x = np.linspace(-30, 30, 601)
    np.testing.assert_allclose(vref.g(x[x < 0]), 1 / (1 + np.exp(-x[x < 0])), rtol=1e-15)
    np.testing.assert_allclose(vref.g(x[x >= 0]), x[x >= 0] + 0.5, rtol=0)
    np.testing.assert_allclose(vref.log_g(x), np.log(vref.g(x)), rtol=1e-13)
    assert vref.g(np.zeros((2, 3))).shape == vref.log_g(np.zeros((2, 3))).shape == (2, 3)
    t = torch.from_numpy(x)
    np.testing.assert_allclose(vref.log_g(x), torch.where(t >= 0, (t + 0.5).log(), -softplus(-t)).numpy(), rtol=1e-14)


def test_mingru_is_silent_and_finite_on_huge_inputs():
    rng = np.random.default_rng(127)
    params = {k: 1000.0 * v for k, v in mingru_params(rng, 3, 4).items()}
    X, h0 = rng.standard_normal((20, 2, 3)), rng.uniform(0.5, 1.5, (2, 4))
    sequential, parallel = vref.mingru_sequential(X, h0, params), vref.mingru_parallel(X, h0, params)
    assert np.isfinite(parallel).all() and (parallel >= 0).all()
    assert np.isfinite(sequential).all()
    np.testing.assert_allclose(parallel, sequential, rtol=1e-9, atol=1e-300)  # both agree down to underflow


def linear_recurrence(a: np.ndarray, h0: np.ndarray, b: np.ndarray) -> np.ndarray:
    """h_t = a_t h_{t-1} + b_t by a plain loop: slow but stable for positive a and b."""
    out, state = np.empty_like(b), h0
    for t in range(len(b)):
        state = out[t] = a[t] * state + b[t]
    return out


def test_parallel_scan_log_survives_2000_steps_where_the_naive_scan_breaks():
    rng = np.random.default_rng(131)
    T = 2000
    log_a = -1.0 + 0.1 * rng.standard_normal((T, 3))
    h0, b = rng.uniform(0.5, 1.5, 3), rng.uniform(0.5, 1.5, (T, 3))
    expected = linear_recurrence(np.exp(log_a), h0, b)
    h = vref.parallel_scan_log(log_a, np.log(np.concatenate([h0[None], b])))
    assert h.shape == (T, 3) and np.isfinite(h).all()
    np.testing.assert_allclose(h, expected, rtol=1e-10, atol=0)

    # The same closed form h_t = A_t (h0 + sum b_s / A_s) in linear space: right for short
    # sequences, but A_t = e^{-t} underflows to 0 near t = 745 and 0 * inf turns it into nan.
    with np.errstate(all="ignore"):
        A = np.cumprod(np.exp(log_a), axis=0)
        naive = A * (h0 + np.cumsum(b / A, axis=0))
    np.testing.assert_allclose(naive[:50], expected[:50], rtol=1e-10)
    assert not np.isfinite(naive[-1]).any()


@settings(max_examples=40, deadline=None)
@given(
    T=st.integers(1, 60), width=st.integers(1, 3), spread=st.sampled_from([0.1, 3.0]), seed=st.integers(0, 2**32 - 1)
)
def test_parallel_scan_log_equals_the_loop_on_any_input(T, width, spread, seed):
    rng = np.random.default_rng(seed)
    log_a = spread * rng.standard_normal((T, 2, width))
    log_values = spread * rng.standard_normal((T + 1, 2, width))
    values = np.exp(log_values)
    expected = linear_recurrence(np.exp(log_a), values[0], values[1:])
    np.testing.assert_allclose(vref.parallel_scan_log(log_a, log_values), expected, rtol=1e-10, atol=0)


# --- 3. Training on the adding problem ------------------------------------------------------------


def test_adding_problem_has_two_markers_and_their_sum_as_target():
    X, y = vref.adding_problem(500, 12, seed=3)
    assert X.shape == (12, 500, 2) and y.shape == (500, 1) and X.dtype == y.dtype == np.float64
    values, markers = X[..., 0], X[..., 1]
    assert ((values >= 0) & (values < 1)).all() and values.std() > 0.2
    assert set(np.unique(markers)) == {0.0, 1.0}
    np.testing.assert_array_equal(markers.sum(axis=0), 2.0)  # two distinct steps per sequence
    np.testing.assert_allclose(y[:, 0], (values * markers).sum(axis=0), rtol=1e-15)
    assert (markers.sum(axis=1) > 0).all()  # every step can be marked
    again, y_again = vref.adding_problem(500, 12, seed=3)
    np.testing.assert_array_equal(again, X)
    np.testing.assert_array_equal(y_again, y)
    other, _ = vref.adding_problem(500, 12, seed=4)
    assert not np.array_equal(other[..., 0], values) and not np.array_equal(other[..., 1], markers)
    X2, y2 = vref.adding_problem(3, 2, seed=0)  # T = 2: both steps marked
    np.testing.assert_array_equal(X2[..., 1], 1.0)
    np.testing.assert_allclose(y2[:, 0], X2[..., 0].sum(axis=0))


def test_predicting_the_mean_gives_mse_one_sixth():
    _, y = vref.adding_problem(100_000, 5, seed=11)
    assert np.mean((y - 1.0) ** 2) == pytest.approx(1 / 6, abs=5e-3)


@pytest.mark.parametrize("bias", BIAS_SHAPES)
def test_mse_loss_and_grads_match_central_differences_for_all_11_parameters(bias):
    rng = np.random.default_rng([137, BIAS_SHAPES.index(bias)])
    T, n, h = 5, 4, 3
    params = {**gru_params(rng, 2, h, bias), "W_y": rng.standard_normal((h, 1)), "b_y": rng.standard_normal(1)}
    X, y = vref.adding_problem(n, T, seed=5)
    loss, grads = vref.mse_loss_and_grads(params, X, y)
    H = ref.gru_forward(X, np.zeros((n, h)), params)
    assert isinstance(loss, float)
    assert loss == pytest.approx(np.mean((H[-1] @ params["W_y"] + params["b_y"] - y) ** 2), rel=1e-14)
    assert set(grads) == set(params) and len(params) == 11
    for name, value in params.items():
        assert grads[name].shape == value.shape, name
        numeric = ref.numerical_gradient(lambda _: vref.mse_loss_and_grads(params, X, y)[0], value)
        error = np.linalg.norm(numeric - grads[name]) / (np.linalg.norm(numeric) + np.linalg.norm(grads[name]))
        assert error < 1e-6, name


@pytest.mark.parametrize("hyper", [{}, {"lr": 0.05, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6}])
def test_adam_step_equals_torch_optim_adam(hyper):
    rng = np.random.default_rng(139)
    params = {"W": rng.standard_normal((3, 4)), "b": rng.standard_normal((1, 4)), "c": rng.standard_normal(1)}
    torch_params = {k: torch.nn.Parameter(torch.from_numpy(v.copy())) for k, v in params.items()}
    betas = (hyper.get("beta1", 0.9), hyper.get("beta2", 0.999))
    optimizer = torch.optim.Adam(
        torch_params.values(), lr=hyper.get("lr", 1e-3), betas=betas, eps=hyper.get("eps", 1e-8)
    )
    state = vref.adam_init(params)
    for step in range(6):
        grads = {k: rng.standard_normal(v.shape) * 10.0**step for k, v in params.items()}  # growing scale
        saved = [{k: v.copy() for k, v in d.items()} for d in (params, grads)]
        new, new_state = vref.adam_step(params, grads, state, **hyper)
        for k in params:
            torch_params[k].grad = torch.from_numpy(grads[k])
        optimizer.step()
        for before, after in zip(saved, (params, grads), strict=True):
            for k in before:
                np.testing.assert_array_equal(after[k], before[k])  # inputs untouched
        again, _ = vref.adam_step(params, grads, state, **hyper)  # the old state is still usable
        for k in params:
            np.testing.assert_allclose(new[k], torch_params[k].detach().numpy(), rtol=1e-13, atol=1e-15)
            np.testing.assert_array_equal(again[k], new[k])
            assert new[k].shape == params[k].shape
        params, state = new, new_state


def test_train_adding_reaches_the_graders_bar_in_its_budget():
    """The grader's budget: h = 16, N = 2000, T = 50, 600 steps, lr 0.01, batch 32; full marks need test MSE < 0.01."""
    params = adding_params(np.random.default_rng(149), 16)
    saved = {k: v.copy() for k, v in params.items()}
    X, y = vref.adding_problem(2000, 50, seed=151)
    start = time.perf_counter()
    trained, losses = vref.train_adding(params, X, y, 600, lr=0.01, batch_size=32, seed=157)
    seconds = time.perf_counter() - start
    X_test, y_test = vref.adding_problem(1000, 50, seed=163)
    H = ref.gru_forward(X_test, np.zeros((1000, 16)), trained)
    mse = float(np.mean((H[-1] @ trained["W_y"] + trained["b_y"] - y_test) ** 2))
    print(f"train_adding: {seconds:.2f} s for 600 steps, test MSE {mse:.2e}")
    assert mse < 0.01
    assert len(losses) == 600 and all(isinstance(v, float) for v in losses)
    assert np.mean(losses[:10]) > 1 / 12 > 0.01 > np.mean(losses[-50:])
    assert {k: v.shape for k, v in trained.items()} == {k: v.shape for k, v in params.items()}
    for k, v in params.items():
        np.testing.assert_array_equal(v, saved[k])
    assert seconds < 30  # a student gets the same budget; the reference needs about 1.5 s


def test_train_adding_reports_minibatch_losses_and_is_deterministic():
    params = adding_params(np.random.default_rng(167), 4)
    X, y = vref.adding_problem(40, 6, seed=1)
    trained, losses = vref.train_adding(params, X, y, 3, lr=0.05, batch_size=8, seed=9)
    batch = np.random.default_rng(9).integers(0, 40, size=8)
    first_loss, first_grads = vref.mse_loss_and_grads(params, X[:, batch], y[batch])
    assert losses[0] == first_loss  # the minibatch loss before the first update
    expected, _ = vref.adam_step(params, first_grads, vref.adam_init(params), 0.05)
    one_step, _ = vref.train_adding(params, X, y, 1, lr=0.05, batch_size=8, seed=9)
    assert one_step.keys() == expected.keys()
    for k, v in one_step.items():
        np.testing.assert_array_equal(v, expected[k])
    again, losses_again = vref.train_adding(params, X, y, 3, lr=0.05, batch_size=8, seed=9)
    assert losses_again == losses
    assert vref.train_adding(params, X, y, 3, lr=0.05, batch_size=8, seed=10)[1] != losses


# --- 4. Parameter counts ----------------------------------------------------------------------------


@pytest.mark.parametrize("d,h", [(1, 1), (3, 5), (32, 64)])
def test_param_counts_match_torch_with_one_bias_per_gate(d, h):
    """PyTorch keeps two bias vectors per gate (bias_ih, bias_hh); the course counts one: bias_hh is subtracted."""
    counts = vref.param_counts(d, h)
    assert counts == {"rnn": h * (d + h + 1), "gru": 3 * h * (d + h + 1), "lstm": 4 * h * (d + h + 1)}
    assert all(type(v) is int for v in counts.values())
    for name, module in {"rnn": torch.nn.RNN, "gru": torch.nn.GRU, "lstm": torch.nn.LSTM}.items():
        layer = module(d, h)
        total = sum(p.numel() for p in layer.parameters())
        assert total - layer.bias_hh_l0.numel() == counts[name], name


# --- Inputs are never modified ----------------------------------------------------------------------


def read_only(tree):
    """Copies whose arrays refuse writes, so that any in-place change raises instead of passing silently."""
    if isinstance(tree, dict):
        return {k: read_only(v) for k, v in tree.items()}
    array = np.array(tree)
    array.setflags(write=False)
    return array


@pytest.mark.parametrize("bias", BIAS_SHAPES)
def test_no_function_writes_to_its_inputs(bias):
    rng = np.random.default_rng([173, BIAS_SHAPES.index(bias)])
    T, n, d, h = 4, 3, 2, 5
    gru = read_only(gru_params(rng, d, h, bias))
    X, H0 = read_only(rng.standard_normal((T, n, d))), read_only(rng.standard_normal((n, h)))
    weights = read_only(vref.chapter_to_torch(gru))
    vref.torch_gru_forward(X, H0, weights)
    vref.reset_placement_gap(X, H0, gru)
    minp, h0 = read_only(mingru_params(rng, d, h, bias)), read_only(rng.uniform(0.5, 1.5, (n, h)))
    vref.mingru_sequential(X, h0, minp)
    vref.mingru_parallel(X, h0, minp)
    vref.parallel_scan_log(read_only(-np.ones((T, n))), read_only(np.zeros((T + 1, n))))
    x = read_only(np.linspace(-3, 3, 7))
    for elementwise in (vref.g, vref.log_g, vref.sigmoid):
        elementwise(x)
    adding = read_only({**gru_params(rng, 2, h, bias), "W_y": rng.standard_normal((h, 1)), "b_y": np.zeros(1)})
    Xa, ya = (read_only(a) for a in vref.adding_problem(10, T, seed=0))
    loss, grads = vref.mse_loss_and_grads(adding, Xa, ya)
    grads, state = read_only(grads), vref.adam_init(adding)
    state = {**state, "m": read_only(state["m"]), "v": read_only(state["v"])}
    new, _ = vref.adam_step(adding, grads, state)
    assert not np.array_equal(new["W_y"], adding["W_y"])
    trained, _ = vref.train_adding(adding, Xa, ya, 2, batch_size=4)
    assert trained["W_h"].flags.writeable  # the caller owns the result


def test_importing_the_reference_does_not_import_torch():
    """Graders import the reference for every submission; the students' API is numpy only."""
    import subprocess
    import sys

    code = "import sys, grucourse.variants.reference; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
