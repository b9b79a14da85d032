"""A correct solution (control: must get full marks, proving the harness can award points).

category: control
"""
import numpy as np


def sigmoid(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def reset_gate(X_t, H_prev, W_r, U_r, b_r):
    return sigmoid(X_t @ W_r + H_prev @ U_r + b_r)


def update_gate(X_t, H_prev, W_z, U_z, b_z):
    return sigmoid(X_t @ W_z + H_prev @ U_z + b_z)


def candidate_hidden_state(X_t, H_prev, R_t, W_h, U_h, b_h):
    return np.tanh(X_t @ W_h + (R_t * H_prev) @ U_h + b_h)


def hidden_state(H_prev, Z_t, H_tilde):
    return (1 - Z_t) * H_prev + Z_t * H_tilde


def gru_cell_forward(X_t, H_prev, params):
    p = params
    R = reset_gate(X_t, H_prev, p["W_r"], p["U_r"], p["b_r"])
    Z = update_gate(X_t, H_prev, p["W_z"], p["U_z"], p["b_z"])
    H_tilde = candidate_hidden_state(X_t, H_prev, R, p["W_h"], p["U_h"], p["b_h"])
    return hidden_state(H_prev, Z, H_tilde)


def gru_forward(X, H0, params):
    H, out = H0, []
    for X_t in X:
        H = gru_cell_forward(X_t, H, params)
        out.append(H)
    return np.stack(out)
