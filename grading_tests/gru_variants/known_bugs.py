"""What a student with one typical bug returns, computed from the references, for the hints.

The functions take the hidden inputs of a check and a keyword naming the bug; with no keyword they
compute the correct answer. PyTorch arrays are edited block by block (`edited` with one of the edits
below). tests/test_variants_hidden_checks.py checks that the correct answers equal the references and
that every bug changes them, so a hint never names a right answer.
"""
from __future__ import annotations

import numpy as np

from grucourse.gru import reference as ref
from grucourse.gru import torch_map
from grucourse.gru.core import PARAM_KEYS, RESET_AFTER_BIAS
from grucourse.variants import reference as vref

TORCH_KEYS = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")


def torch_blocks(weights):
    """The r, z, n row blocks of each PyTorch array, as fresh arrays: {key: {"r": .., "z": .., "n": ..}}."""
    return {k: dict(zip("rzn", np.split(np.array(weights[k], dtype=float), 3), strict=True)) for k in TORCH_KEYS}


def edited(weights, change):
    """PyTorch arrays after `change` edited their row blocks (a function mutating torch_blocks' dict)."""
    blocks = torch_blocks(weights)
    change(blocks)
    return {k: np.concatenate([blocks[k][g] for g in "rzn"]) for k in TORCH_KEYS}


def negate_z(blocks):
    """The update gate's rows negated in every array: PyTorch's z turned into the course's Z."""
    for gates in blocks.values():
        gates["z"] = -gates["z"]


def swap_r_z(blocks):
    """The r and z row blocks exchanged in every array."""
    for gates in blocks.values():
        gates["r"], gates["z"] = gates["z"], gates["r"]


def zero(key):
    """The edit that zeroes the array `key`, as if it were not used."""
    def change(blocks):
        blocks[key] = {g: 0 * b for g, b in blocks[key].items()}
    return change


def b_h_as_hidden_bias(blocks):
    """The candidate's bias moved from bias_ih_l0 into bias_hh_l0, where PyTorch multiplies it by r."""
    blocks["bias_hh_l0"]["n"], blocks["bias_ih_l0"]["n"] = blocks["bias_ih_l0"]["n"], 0 * blocks["bias_ih_l0"]["n"]


def torch_gru(X, H0, weights, *, reset="after", b_hn_inside=True):
    """PyTorch's GRU, or one that multiplies r before U_hn (`reset="before"`) or adds b_hn outside r * (.)."""
    p = torch_map.params_from_arrays(weights, update="cho")
    if reset == "before" or not b_hn_inside:  # b_hn joins b_in outside the reset product
        p["b_h"] = p["b_h"] + p.pop(RESET_AFTER_BIAS)
    return ref.gru_forward(X, H0, p, update="cho", reset=reset)


def mingru(X, h0, p, *, update="chapter", candidate=vref.g, from_h0=False, bias=True):
    """minGRU step by step, optionally with the other update role, another candidate activation,
    every step starting from h0, or without biases."""
    h = np.shape(p["W_z"])[1]
    b_z, b_h = (np.reshape(p["b_z"], h), np.reshape(p["b_h"], h)) if bias else (0.0, 0.0)
    states, previous = [], h0
    for X_t in X:
        z, tilde = ref.sigmoid(X_t @ p["W_z"] + b_z), candidate(X_t @ p["W_h"] + b_h)
        keep, take = (z, 1 - z) if update == "cho" else (1 - z, z)
        states.append(keep * (h0 if from_h0 else previous) + take * tilde)
        previous = states[-1]
    return np.stack(states)


def scan(log_coeffs, log_values, *, leading_zero=True, drop_h0=False, cumsum_axis=0, logcumsumexp_axis=0):
    """The log-space scan, optionally without a*'s leading 0 (then log_values is cut to T entries:
    without h0, or without the last b), or with one of its two cumulative operations on the last axis."""
    a_star = np.cumsum(log_coeffs, axis=cumsum_axis)
    if leading_zero:
        a_star = np.concatenate([np.zeros_like(log_coeffs[:1]), a_star])
    elif drop_h0:
        log_values = log_values[1:]
    else:
        log_values = log_values[:-1]
    log_h = a_star + np.logaddexp.accumulate(log_values - a_star, axis=logcumsumexp_axis)
    return np.exp(log_h[1:] if leading_zero else log_h)


def mingru_scan_inputs(X, h0, p, *, update="chapter", log_z=True):
    """log_coeffs and log_values of mingru_parallel, optionally with the update role swapped or without log z."""
    h = np.shape(p["W_z"])[1]
    k = X @ p["W_z"] + np.reshape(p["b_z"], h)
    sign = -1.0 if update == "cho" else 1.0
    log_b = vref.log_g(X @ p["W_h"] + np.reshape(p["b_h"], h)) - (np.logaddexp(0, -sign * k) if log_z else 0)
    return -np.logaddexp(0, sign * k), np.concatenate([np.log(h0)[None], log_b])


def mse_loss_and_grads(params, X, y, *, update="chapter", reset="before", every_step=False, factor=2.0):
    """Loss and gradients of the adding-problem readout y_hat = H_T W_y + b_y under a GRU convention,
    optionally feeding the readout gradient into every state or with another factor than 2 in d(e^2)."""
    n, h = X.shape[1], np.shape(params["U_h"])[0]
    gru = {k: params[k] for k in PARAM_KEYS}
    H0 = np.zeros((n, h))
    last = ref.gru_forward(X, H0, gru, update=update, reset=reset)[-1]
    error = last @ params["W_y"] + params["b_y"] - y
    dy = factor * error / n
    dH = np.zeros((len(X), n, h))
    dH[slice(None) if every_step else -1] = dy @ params["W_y"].T
    grads = ref.gru_backward(dH, X, H0, gru, update=update, reset=reset)[2]
    grads.update(W_y=last.T @ dy, b_y=np.reshape(dy.sum(axis=0), np.shape(params["b_y"])))
    return float(np.mean(error ** 2)), grads


def adam(params, grads_sequence, lr, beta1, beta2, eps, *, bias_correction=True, eps_in_sqrt=False,
         frozen_t=False, carry_state=True):
    """Parameters after each Adam step on the given gradients, optionally with one Adam bug."""
    m = {k: np.zeros_like(v) for k, v in params.items()}
    v = {k: np.zeros_like(p) for k, p in params.items()}
    out, current = [], dict(params)
    for step, grads in enumerate(grads_sequence, start=1):
        t = 1 if frozen_t or not carry_state else step  # t lives in the state too
        if not carry_state:
            m, v = {k: 0 * x for k, x in m.items()}, {k: 0 * x for k, x in v.items()}
        m = {k: beta1 * m[k] + (1 - beta1) * grads[k] for k in params}
        v = {k: beta2 * v[k] + (1 - beta2) * grads[k] ** 2 for k in params}
        c1, c2 = (1 - beta1 ** t, 1 - beta2 ** t) if bias_correction else (1.0, 1.0)
        denominator = {k: np.sqrt(v[k] / c2 + eps) if eps_in_sqrt else np.sqrt(v[k] / c2) + eps for k in params}
        current = {k: current[k] - lr * (m[k] / c1) / denominator[k] for k in params}
        out.append(current)
    return out
