"""Map GRU parameters between this package's dict and ``torch.nn.GRU`` (one layer, float64).

PyTorch computes the Cho et al. update with the reset gate after the product (SPEC §2), its rows
ordered reset, update, new (r, z, n) in ``weight_ih_l0`` (3h, d) and ``weight_hh_l0`` (3h, h), with
an input bias and a hidden bias per gate. Our ``reset="after"`` GRU equals it for either update
convention: the chapter's Z is PyTorch's 1 - z, so the update-gate weights and bias are negated.
torch is imported inside the functions, so importing this module stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

import numpy as np

from grucourse.gru.core import PARAM_KEYS, RESET_AFTER_BIAS, Update

if TYPE_CHECKING:
    import torch

GATES = "rzh"  # PyTorch's row order r, z, n


def _z_sign(update: Update) -> float:
    if update not in ("chapter", "cho"):
        raise ValueError(f"update must be 'chapter' or 'cho', got {update!r}")
    return -1.0 if update == "chapter" else 1.0


def torch_gru(params: Mapping[str, np.ndarray], *, update: Update = "chapter") -> "torch.nn.GRU":
    """A float64 ``torch.nn.GRU`` computing our ``reset="after"`` GRU with these parameters."""
    import torch

    d, h = np.shape(params["W_r"])
    s = _z_sign(update)
    sign = {"r": 1.0, "z": s, "h": 1.0}
    b_hn = np.asarray(params.get(RESET_AFTER_BIAS, np.zeros(h)), dtype=np.float64).reshape(h)
    weights = {
        "weight_ih_l0": np.concatenate([sign[g] * np.asarray(params[f"W_{g}"]).T for g in GATES]),
        "weight_hh_l0": np.concatenate([sign[g] * np.asarray(params[f"U_{g}"]).T for g in GATES]),
        "bias_ih_l0": np.concatenate([sign[g] * np.reshape(params[f"b_{g}"], h) for g in GATES]),
        "bias_hh_l0": np.concatenate([np.zeros(2 * h), b_hn]),
    }
    gru = torch.nn.GRU(d, h, dtype=torch.float64)
    with torch.no_grad():
        for name, value in weights.items():
            getattr(gru, name).copy_(torch.from_numpy(np.ascontiguousarray(value, dtype=np.float64)))
    return gru


def _unpack(
    w_ih: np.ndarray, w_hh: np.ndarray, b: np.ndarray, b_hn: np.ndarray, update: Update
) -> dict[str, np.ndarray]:
    h = w_hh.shape[1]
    s = _z_sign(update)
    out: dict[str, np.ndarray] = {}
    for i, g in enumerate(GATES):
        rows = slice(i * h, (i + 1) * h)
        sign = s if g == "z" else 1.0
        out[f"W_{g}"] = sign * w_ih[rows].T
        out[f"U_{g}"] = sign * w_hh[rows].T
        out[f"b_{g}"] = sign * b[rows]
    out[RESET_AFTER_BIAS] = b_hn
    return {k: np.array(out[k]) for k in PARAM_KEYS + (RESET_AFTER_BIAS,)}


def params_from_torch(gru: "torch.nn.GRU", *, update: Update = "chapter") -> dict[str, np.ndarray]:
    """Our parameters (with ``b_hn``, biases (h,)) for a one-layer ``torch.nn.GRU``."""
    t = {name: p.detach().numpy().astype(np.float64) for name, p in gru.named_parameters()}
    h = gru.hidden_size
    b = t["bias_ih_l0"].copy()
    b[: 2 * h] += t["bias_hh_l0"][: 2 * h]  # r and z add their two biases; n keeps b_hn apart
    return _unpack(t["weight_ih_l0"], t["weight_hh_l0"], b, t["bias_hh_l0"][2 * h :], update)


def grads_from_torch(gru: "torch.nn.GRU", *, update: Update = "chapter") -> dict[str, np.ndarray]:
    """The autograd gradients of a ``torch_gru`` module, keyed and shaped like our gradients."""
    t = {name: p.grad.numpy().astype(np.float64) for name, p in gru.named_parameters()}
    h = gru.hidden_size
    return _unpack(t["weight_ih_l0"], t["weight_hh_l0"], t["bias_ih_l0"], t["bias_hh_l0"][2 * h :], update)
