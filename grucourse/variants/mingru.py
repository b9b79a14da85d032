"""minGRU (Feng et al. 2024, arXiv 2410.01201), sequentially and as a log-space parallel scan
(Heinsen 2023, arXiv 2311.06281).

minGRU's gates see only the input, never H_prev, so h_t = a_t h_{t-1} + b_t is a linear recurrence
whose coefficients are all known up front: a scan over the sequence replaces the loop. The scan runs
in log space because the cumulative product of the a_t underflows after a few hundred steps; that is
also why the candidate goes through g (always positive, so its log exists) rather than tanh.
Every function here is silent (no overflow or invalid-value warnings) for inputs of size 1000.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from grucourse.gru.core import sigmoid


def softplus(x: np.ndarray) -> np.ndarray:
    """log(1 + exp(x)) as max(x, 0) + log1p(exp(-|x|)): exp is only taken of non-positive numbers."""
    x = np.asarray(x, dtype=np.float64)
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def g(x: np.ndarray) -> np.ndarray:
    """x + 0.5 for x >= 0, sigmoid(x) below: positive, continuous at 0 (both give 0.5), linear growth."""
    x = np.asarray(x, dtype=np.float64)
    return np.where(x >= 0, x + 0.5, sigmoid(x))


def log_g(x: np.ndarray) -> np.ndarray:
    """log g(x) computed without forming g: log(x + 0.5) for x >= 0, -softplus(-x) below (about x for x << 0).

    Both branches are evaluated everywhere, so the log branch is clipped at 0 to keep it off negative numbers.
    """
    x = np.asarray(x, dtype=np.float64)
    return np.where(x >= 0, np.log(np.maximum(x, 0.0) + 0.5), -softplus(-x))


def _projections(X: np.ndarray, params: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The update-gate and candidate pre-activations X W + b of all steps, each (T, n, h)."""
    X = np.asarray(X, dtype=np.float64)
    h = np.shape(params["W_z"])[1]
    k = X @ params["W_z"] + np.reshape(params["b_z"], h)
    return k, X @ params["W_h"] + np.reshape(params["b_h"], h)


def mingru_sequential(X: np.ndarray, h0: np.ndarray, params: Mapping[str, np.ndarray]) -> np.ndarray:
    """All states (T, n, h): h_t = (1 - z_t) * h_{t-1} + z_t * g(X_t W_h + b_h), z_t = sigmoid(X_t W_z + b_z).

    1 - z_t is taken as sigmoid(-k_t): computed as 1 - z_t its relative error grows to about 1e-16 / (1 - z_t)
    where the gate saturates (5e-8 at k = 20), exactly where the log-space scan stays exact.
    """
    k, pre_h = _projections(X, params)
    keep, z, tilde_h = sigmoid(-k), sigmoid(k), g(pre_h)
    H = np.empty_like(z)
    state = np.asarray(h0, dtype=np.float64)
    for t in range(len(H)):
        state = H[t] = keep[t] * state + z[t] * tilde_h[t]
    return H


def parallel_scan_log(log_coeffs: np.ndarray, log_values: np.ndarray) -> np.ndarray:
    """h_t = a_t h_{t-1} + b_t for t = 1..T from log a (T, ...) and [log h0, log b_1..T] (T + 1, ...).

    With A_t = a_1 ... a_t (A_0 = 1), h_t = A_t (h0 + sum_s b_s / A_s), so
    log h_t = log A_t + logcumsumexp(log b_s - log A_s): sums of logs and a log-sum-exp, no products
    that underflow and no division by them.
    """
    log_coeffs = np.asarray(log_coeffs, dtype=np.float64)
    a_star = np.concatenate([np.zeros_like(log_coeffs[:1]), np.cumsum(log_coeffs, axis=0)])
    log_h = a_star + np.logaddexp.accumulate(np.asarray(log_values, dtype=np.float64) - a_star, axis=0)
    return np.exp(log_h[1:])


def mingru_parallel(X: np.ndarray, h0: np.ndarray, params: Mapping[str, np.ndarray]) -> np.ndarray:
    """mingru_sequential's states from one log-space scan: log(1 - z) = -softplus(k), log z = -softplus(-k)."""
    h0 = np.asarray(h0, dtype=np.float64)
    if not np.all(h0 > 0):
        raise ValueError("h0 must be positive: the scan works with log h0")
    k, pre_h = _projections(X, params)
    log_values = np.concatenate([np.log(h0)[None], -softplus(-k) + log_g(pre_h)])
    return parallel_scan_log(-softplus(k), log_values)
