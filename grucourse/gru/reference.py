"""The reference answers for the student API of SPEC §3 (float64, row-vector convention).

Hidden tests compare student output against these functions, so they follow the SPEC's names
and signatures exactly. The keyword-only options ``update`` and ``reset`` (see ``core``) let a
test compute what a student who used another convention would have returned, to name the bug.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from grucourse.gru import core
from grucourse.gru.core import RESET_AFTER_BIAS, Reset, Update, sigmoid

Params = Mapping[str, np.ndarray]
Grads = dict[str, np.ndarray]

# The student API per assignment (SPEC §3), for tools that build or check student notebooks.
GRU_GATES_API = (
    "sigmoid",
    "reset_gate",
    "update_gate",
    "candidate_hidden_state",
    "hidden_state",
    "gru_cell_forward",
    "gru_forward",
)
GRU_BPTT_API = ("gru_cell_backward", "gru_backward", "numerical_gradient", "clip_gradients")
__all__ = [*GRU_GATES_API, *GRU_BPTT_API, "init_params"]


def _gate(X_t: np.ndarray, H_prev: np.ndarray, W: np.ndarray, U: np.ndarray, b: np.ndarray) -> np.ndarray:
    return sigmoid(X_t @ W + H_prev @ U + b)


def reset_gate(X_t: np.ndarray, H_prev: np.ndarray, W_r: np.ndarray, U_r: np.ndarray, b_r: np.ndarray) -> np.ndarray:
    """R_t = sigmoid(X_t W_r + H_prev U_r + b_r), shape (n, h)."""
    return _gate(X_t, H_prev, W_r, U_r, b_r)


def update_gate(X_t: np.ndarray, H_prev: np.ndarray, W_z: np.ndarray, U_z: np.ndarray, b_z: np.ndarray) -> np.ndarray:
    """Z_t = sigmoid(X_t W_z + H_prev U_z + b_z), shape (n, h)."""
    return _gate(X_t, H_prev, W_z, U_z, b_z)


def candidate_hidden_state(
    X_t: np.ndarray,
    H_prev: np.ndarray,
    R_t: np.ndarray,
    W_h: np.ndarray,
    U_h: np.ndarray,
    b_h: np.ndarray,
    *,
    reset: Reset = "before",
    b_hn: np.ndarray | float = 0.0,
) -> np.ndarray:
    """H_tilde = tanh(X_t W_h + (R_t * H_prev) U_h + b_h); ``reset="after"`` gives PyTorch's placement."""
    if reset == "before":
        return np.tanh(X_t @ W_h + (R_t * H_prev) @ U_h + b_h)
    if reset == "after":
        return np.tanh(X_t @ W_h + b_h + R_t * (H_prev @ U_h + b_hn))
    raise ValueError(f"reset must be one of {core.RESETS}, got {reset!r}")


def hidden_state(H_prev: np.ndarray, Z_t: np.ndarray, H_tilde: np.ndarray, *, update: Update = "chapter") -> np.ndarray:
    """H_t = (1 - Z_t) * H_prev + Z_t * H_tilde; ``update="cho"`` swaps the roles of Z and 1 - Z."""
    if update == "chapter":
        return (1.0 - Z_t) * H_prev + Z_t * H_tilde
    if update == "cho":
        return Z_t * H_prev + (1.0 - Z_t) * H_tilde
    raise ValueError(f"update must be one of {core.UPDATES}, got {update!r}")


def gru_forward(
    X: np.ndarray, H0: np.ndarray, params: Params, *, update: Update = "chapter", reset: Reset = "before"
) -> np.ndarray:
    """All hidden states H (T, n, h) of the GRU run over X (T, n, d) from H0 (n, h)."""
    return core.forward(X, H0, params, update=update, reset=reset)[0]


def gru_cell_forward(
    X_t: np.ndarray, H_prev: np.ndarray, params: Params, *, update: Update = "chapter", reset: Reset = "before"
) -> np.ndarray:
    """One step: H_t (n, h) from X_t (n, d) and H_prev (n, h)."""
    return gru_forward(np.asarray(X_t)[None], H_prev, params, update=update, reset=reset)[0]


def _shaped_like(grads: Grads, params: Params) -> Grads:
    """Gradients under the caller's keys and shapes: a (h,) bias gets (h,), a (1, h) bias (1, h)."""
    return {k: np.array(g.reshape(np.shape(params[k]))) for k, g in grads.items() if k in params}


def gru_backward(
    dH: np.ndarray,
    X: np.ndarray,
    H0: np.ndarray,
    params: Params,
    *,
    update: Update = "chapter",
    reset: Reset = "before",
    direct_path: bool = True,
) -> tuple[np.ndarray, np.ndarray, Grads]:
    """BPTT: (dX, dH0, grads) from dH (T, n, h), the loss gradient w.r.t. every H_t.

    ``direct_path=False`` computes the common bug that forgets dH_prev's direct term.
    """
    _, cache = core.forward(X, H0, params, update=update, reset=reset)
    dX, dH0, grads = core.backward(dH, cache, direct_path=direct_path)
    return dX, dH0, _shaped_like(grads, params)


def gru_cell_backward(
    dH_t: np.ndarray,
    X_t: np.ndarray,
    H_prev: np.ndarray,
    params: Params,
    *,
    update: Update = "chapter",
    reset: Reset = "before",
    direct_path: bool = True,
) -> tuple[np.ndarray, np.ndarray, Grads]:
    """One step of BPTT: (dX_t, dH_prev, grads) from dH_t (n, h), the total gradient w.r.t. H_t."""
    dX, dH_prev, grads = gru_backward(
        np.asarray(dH_t)[None],
        np.asarray(X_t)[None],
        H_prev,
        params,
        update=update,
        reset=reset,
        direct_path=direct_path,
    )
    return dX[0], dH_prev, grads


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences of f at x, perturbing x in place one entry at a time.

    In-place perturbation lets f be a closure over x; each entry is put back to its exact
    original value (not original + eps - eps, which can differ in the last bit).
    """
    grad = np.zeros(np.shape(x), dtype=np.float64)
    for idx in np.ndindex(*np.shape(x)):
        original = x[idx]
        x[idx] = original + eps
        f_plus = float(f(x))
        x[idx] = original - eps
        f_minus = float(f(x))
        x[idx] = original
        grad[idx] = (f_plus - f_minus) / (2.0 * eps)
    return grad


def clip_gradients(grads: Mapping[str, np.ndarray], max_norm: float) -> Grads:
    """A new dict whose tensors share one scale factor so that their global L2 norm is <= max_norm."""
    arrays = {k: np.array(g, dtype=np.float64) for k, g in grads.items()}
    norm = float(np.sqrt(sum(np.vdot(g, g) for g in arrays.values())))
    if norm > max_norm:
        factor = max_norm / norm
        for g in arrays.values():
            g *= factor
    return arrays


def init_params(
    d: int,
    h: int,
    rng: np.random.Generator,
    bias_shape: tuple[int, ...] | None = None,
    *,
    reset_after_bias: bool = False,
) -> dict[str, np.ndarray]:
    """Random parameters drawn like PyTorch's GRU, U(-1/sqrt(h), 1/sqrt(h)).

    ``bias_shape`` is (h,) (default) or (1, h); ``reset_after_bias`` adds ``b_hn`` for
    ``reset="after"``.
    """
    shape = (h,) if bias_shape is None else tuple(bias_shape)
    if int(np.prod(shape)) != h:
        raise ValueError(f"bias_shape {shape} does not hold {h} values")
    k = 1.0 / np.sqrt(h)
    shapes = {"W": (d, h), "U": (h, h), "b": shape}
    keys = core.PARAM_KEYS + ((RESET_AFTER_BIAS,) if reset_after_bias else ())
    return {key: rng.uniform(-k, k, size=shapes[key[0]]) for key in keys}
