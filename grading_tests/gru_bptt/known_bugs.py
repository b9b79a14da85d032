"""What a backward pass with one typical slip returns, for the hints of the BPTT checks.

`cell_backward` is one GRU step's backward written out plainly, the way students write it; each
keyword switches on one slip. `bptt` runs it over a sequence, with the slips of the time loop.
With no keyword both compute the right answer: tests/test_bptt_hints.py checks that they equal the
reference and that every slip changes them, so a hint never names a right answer.
"""
from __future__ import annotations

import numpy as np

from grucourse.gru import reference as ref

GATES = "rzh"


def cell_backward(G, X_t, H_prev, p, *, tanh_at_pre=False, sigmoid_at_pre=False, dz_sign=1.0, direct=True,
                  candidate_path=True, gate_paths=True, dU_h_of_H_prev=False, untransposed=None, bias_mean=False):
    """(dX_t, dH_prev, grads) of one step from G = dL/dH_t, optionally with one slip:
    tanh' or sigmoid' evaluated at the pre-activations, dZ negated, a missing term of dH_prev
    (direct, through the candidate's R * H_prev, through the gates), dU_h from H_prev instead of
    R * H_prev, U_<gate> not transposed in dH_prev, or bias gradients averaged over the batch."""
    h = np.shape(p["U_h"])[0]
    b = {g: np.reshape(p[f"b_{g}"], h) for g in GATES}
    a_r = X_t @ p["W_r"] + H_prev @ p["U_r"] + b["r"]
    a_z = X_t @ p["W_z"] + H_prev @ p["U_z"] + b["z"]
    R, Z = ref.sigmoid(a_r), ref.sigmoid(a_z)
    a_h = X_t @ p["W_h"] + (R * H_prev) @ p["U_h"] + b["h"]
    H_tilde = np.tanh(a_h)
    dsigmoid = (lambda a, s: a * (1 - a)) if sigmoid_at_pre else (lambda a, s: s * (1 - s))
    dA_h = G * Z * (1 - (a_h if tanh_at_pre else H_tilde) ** 2)
    dA_z = dz_sign * G * (H_tilde - H_prev) * dsigmoid(a_z, Z)
    dM = dA_h @ p["U_h"].T  # d(R * H_prev)
    dA_r = dM * H_prev * dsigmoid(a_r, R)
    dA = {"r": dA_r, "z": dA_z, "h": dA_h}
    U_back = {g: p[f"U_{g}"] if g == untransposed else p[f"U_{g}"].T for g in "rz"}
    dH_prev = (G * (1 - Z) if direct else 0) + (dM * R if candidate_path else 0)
    if gate_paths:
        dH_prev = dH_prev + dA_r @ U_back["r"] + dA_z @ U_back["z"]
    grads = {}
    for g in GATES:
        inputs = H_prev if g != "h" or dU_h_of_H_prev else R * H_prev
        bias = dA[g].mean(axis=0) if bias_mean else dA[g].sum(axis=0)
        grads.update({f"W_{g}": X_t.T @ dA[g], f"U_{g}": inputs.T @ dA[g],
                      f"b_{g}": np.reshape(bias, np.shape(p[f"b_{g}"]))})
    dX_t = sum(dA[g] @ p[f"W_{g}"].T for g in GATES)
    return dX_t, dH_prev, grads


def bptt(dH, X, H0, p, *, carry=True, states_after=False, dX_reversed=False, **slip):
    """(dX, dH0, summed grads, per-step grads) of BPTT with the cell's `slip`, optionally without
    carrying dH_prev back, differentiating step t at the state after it, or with dX reversed in time."""
    H = np.concatenate([H0[None], ref.gru_forward(X, H0, p)])
    dX, steps, back = np.zeros_like(X), [None] * len(X), np.zeros_like(H0)
    for t in reversed(range(len(X))):
        G = dH[t] + back if carry else dH[t]
        dX[t], back, steps[t] = cell_backward(G, X[t], H[t + 1] if states_after else H[t], p, **slip)
    return dX[::-1] if dX_reversed else dX, back, {k: sum(step[k] for step in steps) for k in steps[0]}, steps
