import numpy as np


def sigmoid(x):
    x = np.asarray(x, dtype=np.float64)
    return np.where(x >= 0, 1 / (1 + np.exp(-np.abs(x))), np.exp(-np.abs(x)) / (1 + np.exp(-np.abs(x))))


def reset_gate(X_t, H_prev, W_r, U_r, b_r):
    a = np.dot(X_t, W_r) + np.dot(H_prev, U_r) + b_r
    return sigmoid(a)


def update_gate(X_t, H_prev, W_z, U_z, b_z):
    a = np.dot(X_t, W_z) + np.dot(H_prev, U_z) + b_z
    return sigmoid(a)


def candidate_hidden_state(X_t, H_prev, R_t, W_h, U_h, b_h):
    a = np.dot(X_t, W_h) + np.dot(R_t * H_prev, U_h) + b_h
    return np.tanh(a)


def hidden_state(H_prev, Z_t, H_tilde):
    return H_prev + Z_t * (H_tilde - H_prev)


def gru_cell_forward(X_t, H_prev, params):
    p = params
    r = reset_gate(X_t, H_prev, p["W_r"], p["U_r"], p["b_r"])
    z = update_gate(X_t, H_prev, p["W_z"], p["U_z"], p["b_z"])
    h_cand = candidate_hidden_state(X_t, H_prev, r, p["W_h"], p["U_h"], p["b_h"])
    return hidden_state(H_prev, z, h_cand)


def gru_forward(X, H0, params):
    T, n, _ = X.shape
    H = np.zeros((T, n, H0.shape[1]))
    h = H0
    for t in range(T):
        h = gru_cell_forward(X[t], h, params)
        H[t] = h
    return H
