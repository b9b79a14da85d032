"""The course GRU against PyTorch's ``nn.GRU`` (Cho et al. 2014 update, reset gate after the product).

Both run on the one engine ``grucourse.gru.core``: PyTorch's equations are its ``update="cho"``,
``reset="after"`` mode with the hidden n-bias as ``b_hn``, so the comparison measures the conventions
and nothing else. Arrays use PyTorch's state_dict names and shapes, rows ordered r, z, n.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from grucourse.gru import core, reference, torch_map

TorchWeights = dict[str, np.ndarray]


def torch_gru_forward(X: np.ndarray, H0: np.ndarray, weights: Mapping[str, np.ndarray]) -> np.ndarray:
    """All states (T, n, h) of PyTorch's one-layer GRU.

    h' = (1 - z) * n + z * h with n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn)).
    """
    params = torch_map.params_from_arrays(weights, update="cho")
    return core.forward(X, H0, params, update="cho", reset="after")[0]


def chapter_to_torch(params: Mapping[str, np.ndarray]) -> TorchWeights:
    """PyTorch arrays computing the course GRU up to the reset placement.

    PyTorch's z keeps the old state where the course's Z takes the candidate; sigma(-a) = 1 - sigma(a),
    so the update gate's weights and bias are negated. The hidden n-bias is zero: the course has none.
    """
    return torch_map.torch_arrays({k: params[k] for k in core.PARAM_KEYS})


def reset_placement_gap(X: np.ndarray, H0: np.ndarray, params: Mapping[str, np.ndarray]) -> float:
    """Largest difference between the course GRU and PyTorch's on the mapped weights: the reset placement's effect."""
    course = reference.gru_forward(X, H0, params)
    torch_like = torch_gru_forward(X, H0, chapter_to_torch(params))
    return float(np.max(np.abs(course - torch_like)))
