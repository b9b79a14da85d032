"""Map GRU parameters between this package's dict and ``torch.nn.GRU`` (one layer, float64).

PyTorch computes the Cho et al. update with the reset gate after the product (SPEC §2), its rows
ordered reset, update, new (r, z, n) in ``weight_ih_l0`` (3h, d) and ``weight_hh_l0`` (3h, h), with
an input bias and a hidden bias per gate. Our ``reset="after"`` GRU equals it for either update
convention: the chapter's Z is PyTorch's 1 - z, so the update-gate weights and bias are negated.
torch is imported inside the functions, so importing this module stays cheap.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from grucourse.gru.core import PARAM_KEYS, RESET_AFTER_BIAS, Update

if TYPE_CHECKING:
    import torch

GATES = "rzh"  # PyTorch's row order r, z, n


def _z_sign(update: Update) -> float:
    if update not in ("chapter", "cho"):
        raise ValueError(f"update must be 'chapter' or 'cho', got {update!r}")
    return -1.0 if update == "chapter" else 1.0


def torch_arrays(params: Mapping[str, np.ndarray], *, update: Update = "chapter") -> dict[str, np.ndarray]:
    """The four state_dict arrays (float64 numpy) of a one-layer ``torch.nn.GRU`` computing our
    ``reset="after"`` GRU with these parameters; without ``b_hn`` the hidden n-bias is zero."""
    p = {k: np.asarray(v, dtype=np.float64) for k, v in params.items()}
    h = p["U_h"].shape[0]
    sign = {"r": 1.0, "z": _z_sign(update), "h": 1.0}
    b_hn = p.get(RESET_AFTER_BIAS, np.zeros(h)).reshape(h)
    return {
        "weight_ih_l0": np.concatenate([sign[g] * p[f"W_{g}"].T for g in GATES]),
        "weight_hh_l0": np.concatenate([sign[g] * p[f"U_{g}"].T for g in GATES]),
        "bias_ih_l0": np.concatenate([sign[g] * p[f"b_{g}"].reshape(h) for g in GATES]),
        "bias_hh_l0": np.concatenate([np.zeros(2 * h), b_hn]),
    }


def torch_gru(params: Mapping[str, np.ndarray], *, update: Update = "chapter") -> torch.nn.GRU:
    """A float64 ``torch.nn.GRU`` computing our ``reset="after"`` GRU with these parameters."""
    import torch

    d, h = np.shape(params["W_r"])
    gru = torch.nn.GRU(d, h, dtype=torch.float64)
    with torch.no_grad():
        for name, value in torch_arrays(params, update=update).items():
            getattr(gru, name).copy_(torch.from_numpy(np.ascontiguousarray(value)))
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


def params_from_arrays(arrays: Mapping[str, np.ndarray], *, update: Update = "chapter") -> dict[str, np.ndarray]:
    """Our parameters (with ``b_hn``, biases (h,)) for PyTorch's four state_dict arrays: r and z
    add their two biases, n keeps ``b_hn`` apart (it sits inside the reset product)."""
    w_ih, w_hh, b_ih, b_hh = (np.asarray(arrays[name], dtype=np.float64)
                              for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"))
    h = w_hh.shape[1]
    b_ih, b_hh = b_ih.reshape(3 * h), b_hh.reshape(3 * h)
    b = b_ih.copy()
    b[: 2 * h] += b_hh[: 2 * h]
    return _unpack(w_ih, w_hh, b, b_hh[2 * h :], update)


def params_from_torch(gru: torch.nn.GRU, *, update: Update = "chapter") -> dict[str, np.ndarray]:
    """Our parameters (with ``b_hn``, biases (h,)) for a one-layer ``torch.nn.GRU``."""
    return params_from_arrays({name: p.detach().numpy() for name, p in gru.named_parameters()}, update=update)


def grads_from_torch(gru: torch.nn.GRU, *, update: Update = "chapter") -> dict[str, np.ndarray]:
    """The autograd gradients of a ``torch_gru`` module, keyed and shaped like our gradients."""
    t = {name: _gradient(name, p) for name, p in gru.named_parameters()}
    h = gru.hidden_size
    return _unpack(t["weight_ih_l0"], t["weight_hh_l0"], t["bias_ih_l0"], t["bias_hh_l0"][2 * h :], update)


def _gradient(name: str, parameter: torch.nn.Parameter) -> np.ndarray:
    if parameter.grad is None:
        raise ValueError(f"{name} has no gradient: call backward() first")
    return parameter.grad.numpy().astype(np.float64)
