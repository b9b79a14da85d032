"""Sequence-level GRU engine in float64 numpy: one forward pass that keeps a cache, one BPTT pass.

Every gate function of the student API is a special case of this engine, so the reference has one
source of truth. Two conventions can be switched independently, because real code bases differ on
both (SPEC §2):

* ``update="chapter"``: H = (1 - Z) * H_prev + Z * H_tilde (Chung et al. 2014, the course's equation);
  ``update="cho"``: H = Z * H_prev + (1 - Z) * H_tilde (Cho et al. 2014, PyTorch, Keras, cuDNN).
* ``reset="before"``: H_tilde = tanh(X W_h + (R * H_prev) U_h + b_h) (the course);
  ``reset="after"``: H_tilde = tanh(X W_h + b_h + R * (H_prev U_h + b_hn)) (PyTorch, cuDNN),
  where the optional parameter ``b_hn`` (shape of ``b_h``) is zero when absent.

Speed comes from doing the input projections and all weight gradients as single matmuls over the
whole sequence, so the per-step loop only holds the recurrent products and elementwise work.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Mapping

import numpy as np

Update = Literal["chapter", "cho"]
Reset = Literal["before", "after"]
UPDATES: tuple[Update, ...] = ("chapter", "cho")
RESETS: tuple[Reset, ...] = ("before", "after")
PARAM_KEYS = ("W_r", "U_r", "b_r", "W_z", "U_z", "b_z", "W_h", "U_h", "b_h")
RESET_AFTER_BIAS = "b_hn"


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function without overflow: exp is only ever taken of -|x|."""
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0, e) / (1.0 + e)


def _check_options(update: str, reset: str) -> None:
    if update not in UPDATES:
        raise ValueError(f"update must be one of {UPDATES}, got {update!r}")
    if reset not in RESETS:
        raise ValueError(f"reset must be one of {RESETS}, got {reset!r}")


@dataclass(frozen=True)
class Weights:
    """The parameters regrouped so that each time step needs as few matmuls as possible."""

    W: np.ndarray  # (d, 3h): W_r | W_z | W_h
    b: np.ndarray  # (3h,): b_r | b_z | b_h
    U: np.ndarray  # (h, 3h): U_r | U_z | U_h, contiguous so U[:, :2h] and U[:, 2h:] are views
    b_hn: np.ndarray  # (h,)

    @classmethod
    def of(cls, params: Mapping[str, np.ndarray]) -> "Weights":
        missing = [k for k in PARAM_KEYS if k not in params]
        if missing:
            raise KeyError(f"params is missing {', '.join(missing)}")
        p = {k: np.asarray(params[k], dtype=np.float64) for k in PARAM_KEYS}
        h = p["U_h"].shape[0]
        b_hn = params.get(RESET_AFTER_BIAS)
        return cls(
            W=np.concatenate([p["W_r"], p["W_z"], p["W_h"]], axis=1),
            b=np.concatenate([p[k].reshape(h) for k in ("b_r", "b_z", "b_h")]),
            U=np.concatenate([p["U_r"], p["U_z"], p["U_h"]], axis=1),
            b_hn=np.zeros(h) if b_hn is None else np.asarray(b_hn, dtype=np.float64).reshape(h),
        )


@dataclass(frozen=True)
class Cache:
    """What the backward pass needs from the forward pass."""

    X: np.ndarray  # (T, n, d)
    H_prev: np.ndarray  # (T, n, h): H_prev[t] is the state before step t (H_prev[0] = H0)
    H: np.ndarray  # (T, n, h)
    RZ: np.ndarray  # (T, n, 2h): reset gate | update gate
    H_tilde: np.ndarray  # (T, n, h)
    M: np.ndarray  # (T, n, h): R * H_prev ("before") or H_prev U_h + b_hn ("after")
    weights: Weights
    update: Update
    reset: Reset


def forward(
    X: np.ndarray,
    H0: np.ndarray,
    params: Mapping[str, np.ndarray],
    *,
    update: Update = "chapter",
    reset: Reset = "before",
) -> tuple[np.ndarray, Cache]:
    """Run the GRU over X (T, n, d) from H0 (n, h); return all states H (T, n, h) and the cache."""
    _check_options(update, reset)
    wt = Weights.of(params)
    X = np.asarray(X, dtype=np.float64)
    H0 = np.asarray(H0, dtype=np.float64)
    T, n, d = X.shape
    h = wt.U.shape[0]
    A = (X.reshape(T * n, d) @ wt.W).reshape(T, n, 3 * h)
    A += wt.b
    H_all = np.empty((T + 1, n, h))
    H_all[0] = H0
    RZ = A[:, :, : 2 * h]  # the gate pre-activations are overwritten by the gates in place
    H_tilde = A[:, :, 2 * h :]
    M = np.empty((T, n, h))
    U_rz, U_h = wt.U[:, : 2 * h], wt.U[:, 2 * h :]
    rec = np.empty((n, 3 * h))
    for t in range(T):
        Hp, rz, ht, m = H_all[t], RZ[t], H_tilde[t], M[t]
        if reset == "before":
            np.matmul(Hp, U_rz, out=rec[:, : 2 * h])
            rz += rec[:, : 2 * h]
            rz[:] = sigmoid(rz)
            np.multiply(rz[:, :h], Hp, out=m)
            ht += m @ U_h
        else:
            np.matmul(Hp, wt.U, out=rec)
            rz += rec[:, : 2 * h]
            rz[:] = sigmoid(rz)
            np.add(rec[:, 2 * h :], wt.b_hn, out=m)
            ht += rz[:, :h] * m
        np.tanh(ht, out=ht)
        z = rz[:, h:]
        if update == "chapter":  # H = H_prev + Z (H_tilde - H_prev)
            np.subtract(ht, Hp, out=H_all[t + 1])
            H_all[t + 1] *= z
            H_all[t + 1] += Hp
        else:  # H = H_tilde + Z (H_prev - H_tilde)
            np.subtract(Hp, ht, out=H_all[t + 1])
            H_all[t + 1] *= z
            H_all[t + 1] += ht
    H = H_all[1:]
    cache = Cache(X, H_all[:-1], H, RZ, H_tilde, M, wt, update, reset)
    return H, cache


def backward(
    dH: np.ndarray, cache: Cache
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """BPTT from dL/dH_t for every t (T, n, h); return dX, dH0 and the gradients summed over time.

    The gradients are keyed like the parameters plus ``b_hn`` (zero for ``reset="before"``, where it
    is unused); biases come back as (h,) and are reshaped to the caller's shapes by the API layer.
    """
    c, wt = cache, cache.weights
    dH = np.asarray(dH, dtype=np.float64)
    T, n, h = c.H.shape
    U_rz, U_h = wt.U[:, : 2 * h], wt.U[:, 2 * h :]
    dA = np.empty((T, n, 3 * h))  # pre-activation gradients: reset | update | candidate
    dB = np.empty((T, n, h)) if c.reset == "after" else None  # d(H_prev U_h + b_hn)
    G = np.zeros((n, h))  # dL/dH_t carried back from step t + 1
    for t in range(T - 1, -1, -1):
        G += dH[t]
        Hp, ht = c.H_prev[t], c.H_tilde[t]
        r, z = c.RZ[t, :, :h], c.RZ[t, :, h:]
        da_r, da_z, da_h = dA[t, :, :h], dA[t, :, h : 2 * h], dA[t, :, 2 * h :]
        if c.update == "chapter":
            np.subtract(ht, Hp, out=da_z)
            da_z *= G  # dZ = G (H_tilde - H_prev)
            np.multiply(G, z, out=da_h)  # dH_tilde = G Z
            G -= da_h  # direct path: G (1 - Z)
        else:
            np.subtract(Hp, ht, out=da_z)
            da_z *= G  # dZ = G (H_prev - H_tilde)
            np.subtract(G, G * z, out=da_h)  # dH_tilde = G (1 - Z)
            G *= z  # direct path: G Z
        da_z *= z - z * z
        da_h *= 1.0 - ht * ht
        if c.reset == "before":
            dm = da_h @ U_h.T  # d(R * H_prev)
            np.multiply(dm, Hp, out=da_r)
            G += dm * r
        else:
            np.multiply(da_h, c.M[t], out=da_r)
            np.multiply(da_h, r, out=dB[t])
            G += dB[t] @ U_h.T
        da_r *= r - r * r
        G += dA[t, :, : 2 * h] @ U_rz.T
    d = c.X.shape[2]
    dA2 = dA.reshape(T * n, 3 * h)
    Hp2 = c.H_prev.reshape(T * n, h)
    dW = c.X.reshape(T * n, d).T @ dA2
    db = dA2.sum(axis=0)
    dX = (dA2 @ wt.W.T).reshape(T, n, d)
    dU = np.empty((h, 3 * h))
    dU[:, : 2 * h] = Hp2.T @ dA2[:, : 2 * h]
    if c.reset == "before":
        dU[:, 2 * h :] = c.M.reshape(T * n, h).T @ dA2[:, 2 * h :]
    else:
        dB2 = dB.reshape(T * n, h)
        dU[:, 2 * h :] = Hp2.T @ dB2
    grads = {}
    for i, gate in enumerate("rzh"):
        cols = slice(i * h, (i + 1) * h)
        grads[f"W_{gate}"] = dW[:, cols]
        grads[f"U_{gate}"] = dU[:, cols]
        grads[f"b_{gate}"] = db[cols]
    grads[RESET_AFTER_BIAS] = dB2.sum(axis=0) if c.reset == "after" else np.zeros(h)
    return dX, G, grads
