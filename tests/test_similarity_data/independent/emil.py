import numpy as np


def sigmoid(x):
    x = np.clip(x, -500, 500)
    return 1.0 / (1.0 + np.exp(-x))


def reset_gate(X_t, H_prev, W_r, U_r, b_r):
    return sigmoid(X_t.dot(W_r) + H_prev.dot(U_r) + b_r)


def update_gate(X_t, H_prev, W_z, U_z, b_z):
    return sigmoid(X_t.dot(W_z) + H_prev.dot(U_z) + b_z)


def candidate_hidden_state(X_t, H_prev, R_t, W_h, U_h, b_h):
    return np.tanh(X_t.dot(W_h) + (R_t * H_prev).dot(U_h) + b_h)


def hidden_state(H_prev, Z_t, H_tilde):
    return np.multiply(1 - Z_t, H_prev) + np.multiply(Z_t, H_tilde)


def gru_cell_forward(X_t, H_prev, params):
    gates = {}
    gates["r"] = reset_gate(X_t, H_prev, params["W_r"], params["U_r"], params["b_r"])
    gates["z"] = update_gate(X_t, H_prev, params["W_z"], params["U_z"], params["b_z"])
    cand = candidate_hidden_state(X_t, H_prev, gates["r"], params["W_h"], params["U_h"], params["b_h"])
    return hidden_state(H_prev, gates["z"], cand)


def gru_forward(X, H0, params):
    result = np.zeros((X.shape[0], X.shape[1], H0.shape[-1]))
    for step, X_t in enumerate(X):
        H0 = gru_cell_forward(X_t, H0, params)
        result[step, :, :] = H0
    return result
