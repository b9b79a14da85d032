import numpy as np


def sigmoid(x):
    out = np.empty_like(x, dtype=float)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    ex = np.exp(x[~pos])
    out[~pos] = ex / (1.0 + ex)
    return out


def reset_gate(X_t, H_prev, W_r, U_r, b_r):
    return sigmoid(X_t @ W_r + H_prev @ U_r + b_r)


def update_gate(X_t, H_prev, W_z, U_z, b_z):
    return sigmoid(X_t @ W_z + H_prev @ U_z + b_z)


def candidate_hidden_state(X_t, H_prev, R_t, W_h, U_h, b_h):
    return np.tanh(X_t @ W_h + (R_t * H_prev) @ U_h + b_h)


def hidden_state(H_prev, Z_t, H_tilde):
    return (1 - Z_t) * H_prev + Z_t * H_tilde


def gru_cell_forward(X_t, H_prev, params):
    R_t = reset_gate(X_t, H_prev, params["W_r"], params["U_r"], params["b_r"])
    Z_t = update_gate(X_t, H_prev, params["W_z"], params["U_z"], params["b_z"])
    H_tilde = candidate_hidden_state(X_t, H_prev, R_t, params["W_h"], params["U_h"], params["b_h"])
    return hidden_state(H_prev, Z_t, H_tilde)


def gru_forward(X, H0, params):
    H = H0
    outputs = []
    for t in range(X.shape[0]):
        H = gru_cell_forward(X[t], H, params)
        outputs.append(H)
    return np.stack(outputs)
