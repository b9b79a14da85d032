"""The course GRU against PyTorch's ``nn.GRU`` (Cho et al. 2014 update, reset gate after the product).

Both run on the one engine ``grucourse.gru.core``: PyTorch's equations are its ``update="cho"``,
``reset="after"`` mode with the hidden n-bias as ``b_hn``, so the comparison measures the conventions
and nothing else. Arrays use PyTorch's state_dict names and shapes, rows ordered r, z, n.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np

from grucourse.gru import core, reference

TorchWeights = dict[str, np.ndarray]
GATES = "rzh"  # the course's gate letters in PyTorch's row order r, z, n


def _blocks(a: np.ndarray, h: int) -> dict[str, np.ndarray]:
    """The three gate blocks of a PyTorch array stacked along its first axis."""
    return {g: a[i * h : (i + 1) * h] for i, g in enumerate(GATES)}


def torch_gru_forward(X: np.ndarray, H0: np.ndarray, weights: Mapping[str, np.ndarray]) -> np.ndarray:
    """All states (T, n, h) of PyTorch's one-layer GRU.

    h' = (1 - z) * n + z * h with n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn)).
    """
    w_hh = np.asarray(weights["weight_hh_l0"], dtype=np.float64)
    h = w_hh.shape[1]
    w_ih = _blocks(np.asarray(weights["weight_ih_l0"], dtype=np.float64), h)
    u = _blocks(w_hh, h)
    b_ih = _blocks(np.asarray(weights["bias_ih_l0"], dtype=np.float64).reshape(3 * h), h)
    b_hh = _blocks(np.asarray(weights["bias_hh_l0"], dtype=np.float64).reshape(3 * h), h)
    params = {core.RESET_AFTER_BIAS: b_hh["h"]}
    for g in GATES:
        params[f"W_{g}"] = w_ih[g].T
        params[f"U_{g}"] = u[g].T
        params[f"b_{g}"] = b_ih[g] + (0.0 if g == "h" else b_hh[g])  # r and z only see the sum of their biases
    return core.forward(X, H0, params, update="cho", reset="after")[0]


def chapter_to_torch(params: Mapping[str, np.ndarray]) -> TorchWeights:
    """PyTorch arrays computing the course GRU up to the reset placement.

    PyTorch's z keeps the old state where the course's Z takes the candidate; sigma(-a) = 1 - sigma(a),
    so the update gate's weights and bias are negated. The hidden n-bias is zero: the course has none.
    """
    p = {k: np.asarray(params[k], dtype=np.float64) for k in core.PARAM_KEYS}
    h = p["U_h"].shape[0]
    sign = {"r": 1.0, "z": -1.0, "h": 1.0}
    return {
        "weight_ih_l0": np.concatenate([sign[g] * p[f"W_{g}"].T for g in GATES]),
        "weight_hh_l0": np.concatenate([sign[g] * p[f"U_{g}"].T for g in GATES]),
        "bias_ih_l0": np.concatenate([sign[g] * p[f"b_{g}"].reshape(h) for g in GATES]),
        "bias_hh_l0": np.zeros(3 * h),
    }


def reset_placement_gap(X: np.ndarray, H0: np.ndarray, params: Mapping[str, np.ndarray]) -> float:
    """Largest difference between the course GRU and PyTorch's on the mapped weights: the reset placement's effect."""
    course = reference.gru_forward(X, H0, params)
    torch_like = torch_gru_forward(X, H0, chapter_to_torch(params))
    return float(np.max(np.abs(course - torch_like)))
