"""Sequence-level GRU engine in float64 numpy: one forward pass that keeps a cache, one BPTT pass.

Every gate function of the student API is a special case of this engine, so the reference has one
source of truth. Two conventions can be switched independently, because real code bases differ on
both (SPEC §2):

* ``update="chapter"``: H = (1 - Z) * H_prev + Z * H_tilde (Chung et al. 2014, the course's equation);
  ``update="cho"``: H = Z * H_prev + (1 - Z) * H_tilde (Cho et al. 2014, PyTorch, Keras, cuDNN).
* ``reset="before"``: H_tilde = tanh(X W_h + (R * H_prev) U_h + b_h) (the course);
  ``reset="after"``: H_tilde = tanh(X W_h + b_h + R * (H_prev U_h + b_hn)) (PyTorch, cuDNN),
  where the optional parameter ``b_hn`` (shape of ``b_h``) is zero when absent.

Speed at course sizes (T=50, n=32, h=64) is bound by per-call overhead and memory traffic, not by
arithmetic. The per-step work therefore runs on transposed states (h, n): stacking the gates along
the first axis keeps each gate a contiguous block, and ufuncs on contiguous blocks are several times
faster than on column slices. The gates share one recurrent matmul per step, buffers are reused
with ``out=``, and large temporaries are avoided: fresh memory from the OS costs page faults on
every call, which at this size weigh as much as the arithmetic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

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


def _sigmoid_inplace(x: np.ndarray) -> None:
    """sigmoid(x) = (1 + tanh(x / 2)) / 2 in place: four passes, no overflow, no temporaries."""
    x *= 0.5
    np.tanh(x, out=x)
    x *= 0.5
    x += 0.5


def _dsigmoid(y: np.ndarray, out: np.ndarray) -> np.ndarray:
    """y (1 - y) into out: the sigmoid's derivative from its output."""
    np.multiply(y, y, out=out)
    return np.subtract(y, out, out=out)


def _check_shapes(params: Mapping[str, np.ndarray]) -> None:
    """Name the parameter whose shape does not fit W_r's (d, h), rather than fail inside a matmul."""
    if params["W_r"].ndim != 2:
        raise ValueError(f"params['W_r'] has shape {params['W_r'].shape}, expected (d, h)")
    d, h = params["W_r"].shape
    allowed = {"W": [(d, h)], "U": [(h, h)], "b": [(h,), (1, h)]}
    for key, value in params.items():
        if value.shape not in allowed[key[0]]:
            expected = " or ".join(map(str, allowed[key[0]]))
            raise ValueError(f"params[{key!r}] has shape {value.shape}, expected {expected} (d={d}, h={h})")


def _check_options(update: str, reset: str) -> None:
    if update not in UPDATES:
        raise ValueError(f"update must be one of {UPDATES}, got {update!r}")
    if reset not in RESETS:
        raise ValueError(f"reset must be one of {RESETS}, got {reset!r}")


@dataclass(frozen=True)
class Weights:
    """The parameters stacked by gate (r, z, h) for the transposed per-step products."""

    WT: np.ndarray  # (3h, d): W_r^T, W_z^T, W_h^T stacked
    b: np.ndarray  # (3h, 1)
    UT: np.ndarray  # (3h, h): U_r^T, U_z^T, U_h^T stacked, for the forward products
    U_rz: np.ndarray  # (h, 2h): U_r | U_z, contiguous (BLAS is about twice as fast on it as on a view)
    U_h: np.ndarray  # (h, h)
    b_hn: np.ndarray  # (h, 1)

    @classmethod
    def of(cls, params: Mapping[str, np.ndarray]) -> Weights:
        missing = [k for k in PARAM_KEYS if k not in params]
        if missing:
            raise KeyError(f"params is missing {', '.join(missing)}")
        keys = PARAM_KEYS + ((RESET_AFTER_BIAS,) if RESET_AFTER_BIAS in params else ())
        p = {k: np.asarray(params[k], dtype=np.float64) for k in keys}
        _check_shapes(p)
        h = p["U_h"].shape[0]
        b_hn = p.get(RESET_AFTER_BIAS)
        return cls(
            WT=np.concatenate([p["W_r"].T, p["W_z"].T, p["W_h"].T]),
            b=np.concatenate([p[k].reshape(h) for k in ("b_r", "b_z", "b_h")])[:, None],
            UT=np.concatenate([p["U_r"].T, p["U_z"].T, p["U_h"].T]),
            U_rz=np.concatenate([p["U_r"], p["U_z"]], axis=1),
            U_h=np.ascontiguousarray(p["U_h"]),
            b_hn=np.zeros((h, 1)) if b_hn is None else b_hn.reshape(h, 1),
        )


@dataclass(frozen=True)
class Cache:
    """What the backward pass needs from the forward pass: per-step arrays, states transposed (h, n)."""

    X: np.ndarray  # (T, n, d)
    states: list[np.ndarray]  # T + 1 arrays (h, n): states[t] is the state before step t
    gates: list[np.ndarray]  # T arrays (3h, n): R^T, Z^T, H_tilde^T stacked
    mixes: list[np.ndarray]  # T arrays (h, n): (R * H_prev)^T ("before") or (H_prev U_h + b_hn)^T ("after")
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
    h, d = wt.U_h.shape[0], wt.WT.shape[1]
    if X.ndim != 3 or X.shape[2] != d:
        raise ValueError(f"X has shape {X.shape}, expected (T, n, {d})")
    T, n, _ = X.shape
    if np.shape(H0) != (n, h):
        raise ValueError(f"H0 has shape {np.shape(H0)}, expected ({n}, {h})")
    # One buffer for everything BPTT keeps, step t holding gates (3h rows), mix (h) and state (h):
    # a single allocation is recycled by malloc from call to call, where many would be handed back
    # to the OS and cost page faults anew each time.
    steps = np.empty((T, 5 * h, n))
    np.matmul(wt.WT, X.transpose(0, 2, 1), out=steps[:, : 3 * h])  # input projections of all steps
    steps[:, : 3 * h] += wt.b
    H0T = np.array(np.asarray(H0, dtype=np.float64).T, order="C")
    states, gates, mixes = [H0T, *steps[:, 4 * h :]], list(steps[:, : 3 * h]), list(steps[:, 3 * h : 4 * h])
    cache = Cache(X, states, gates, mixes, wt, update, reset)
    rec = np.empty((3 * h, n))
    scratch = np.empty((h, n))
    for t in range(T):
        Hp, g, m, H_t = states[t], gates[t], mixes[t], states[t + 1]
        rz, r, z, ht = g[: 2 * h], g[:h], g[h : 2 * h], g[2 * h :]
        if reset == "before":
            np.matmul(wt.UT[: 2 * h], Hp, out=rec[: 2 * h])
            rz += rec[: 2 * h]
            _sigmoid_inplace(rz)
            np.multiply(r, Hp, out=m)
            ht += np.matmul(wt.UT[2 * h :], m, out=scratch)
        else:
            np.matmul(wt.UT, Hp, out=rec)
            rz += rec[: 2 * h]
            _sigmoid_inplace(rz)
            np.add(rec[2 * h :], wt.b_hn, out=m)
            ht += np.multiply(r, m, out=scratch)
        np.tanh(ht, out=ht)
        if update == "chapter":  # H = H_prev + Z (H_tilde - H_prev)
            np.subtract(ht, Hp, out=H_t)
            H_t *= z
            H_t += Hp
        else:  # H = H_tilde + Z (H_prev - H_tilde)
            np.subtract(Hp, ht, out=H_t)
            H_t *= z
            H_t += ht
    return np.ascontiguousarray(steps[:, 4 * h :].transpose(0, 2, 1)), cache


def backward(
    dH: np.ndarray, cache: Cache, *, direct_path: bool = True
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """BPTT from dL/dH_t for every t (T, n, h); return dX, dH0 and the gradients summed over time.

    ``direct_path=False`` drops the term H_prev contributes to H_t directly (not through the gates),
    the classic BPTT bug, so that a grader can recognise it.

    The gradients are keyed like the parameters plus ``b_hn`` (zero for ``reset="before"``, where it
    is unused); biases come back as (h,) and are reshaped to the caller's shapes by the API layer.
    Weight gradients are accumulated step by step: one big matmul over the sequence would need
    (3h, T n) temporaries whose page faults cost more than the extra small products.
    """
    c, wt = cache, cache.weights
    dH = np.asarray(dH, dtype=np.float64)
    X = c.X
    T, n, d = X.shape
    h = wt.U_h.shape[0]
    if dH.shape != (T, n, h):
        raise ValueError(f"dH has shape {dH.shape}, expected {(T, n, h)}")
    dX = np.empty_like(X)
    dWT, db = np.zeros((3 * h, d)), np.zeros((3 * h, 1))
    dU_rz, dU_h, db_hn = np.zeros((h, 2 * h)), np.zeros((h, h)), np.zeros((h, 1))
    part_W, part_U_rz, part_U_h = np.empty_like(dWT), np.empty_like(dU_rz), np.empty_like(dU_h)
    da = np.empty((3 * h, n))  # pre-activation gradients of step t, transposed: reset, update, candidate
    da_r, da_z, da_h = da[:h], da[h : 2 * h], da[2 * h :]
    dB = np.empty((h, n))  # d(H_prev U_h + b_hn)^T, for reset="after"
    G = np.zeros((h, n))  # dL/dH_t^T, carried back from step t + 1
    spare, s = np.empty((h, n)), np.empty((h, n))
    for t in range(T - 1, -1, -1):
        G += dH[t].T
        Hp, g, m = c.states[t], c.gates[t], c.mixes[t]
        r, z, ht = g[:h], g[h : 2 * h], g[2 * h :]
        if c.update == "chapter":
            np.subtract(ht, Hp, out=da_z)
            da_z *= G  # dZ = G (H_tilde - H_prev)
            np.multiply(G, z, out=da_h)  # dH_tilde = G Z
            G -= da_h  # direct path: G (1 - Z)
        else:
            np.subtract(Hp, ht, out=da_z)
            da_z *= G  # dZ = G (H_prev - H_tilde)
            np.multiply(G, z, out=spare)  # direct path: G Z
            np.subtract(G, spare, out=da_h)  # dH_tilde = G (1 - Z)
            G, spare = spare, G
        if not direct_path:
            G.fill(0.0)
        da_z *= _dsigmoid(z, s)
        np.multiply(ht, ht, out=s)
        np.subtract(1.0, s, out=s)
        da_h *= s
        if c.reset == "before":
            dU_h += np.matmul(m, da_h.T, out=part_U_h)
            np.matmul(wt.U_h, da_h, out=s)  # d(R * H_prev)
            np.multiply(s, Hp, out=da_r)
            s *= r
            G += s
        else:
            np.multiply(da_h, m, out=da_r)
            np.multiply(da_h, r, out=dB)
            dU_h += np.matmul(Hp, dB.T, out=part_U_h)
            db_hn += dB.sum(axis=1, keepdims=True)
            G += np.matmul(wt.U_h, dB, out=s)
        da_r *= _dsigmoid(r, s)
        G += np.matmul(wt.U_rz, da[: 2 * h], out=s)
        dU_rz += np.matmul(Hp, da[: 2 * h].T, out=part_U_rz)
        dWT += np.matmul(da, X[t], out=part_W)
        db += da.sum(axis=1, keepdims=True)
        np.matmul(da.T, wt.WT, out=dX[t])
    grads = {"U_r": dU_rz[:, :h], "U_z": dU_rz[:, h:], "U_h": dU_h, RESET_AFTER_BIAS: db_hn[:, 0]}
    for i, gate in enumerate("rzh"):
        rows = slice(i * h, (i + 1) * h)
        grads[f"W_{gate}"] = dWT[rows].T
        grads[f"b_{gate}"] = db[rows, 0]
    return dX, np.ascontiguousarray(G.T), grads
