import numpy as np


def sigmoid(x):
    x = np.asarray(x, dtype=np.float64)
    result = np.zeros_like(x)
    big = x > 0
    result[big] = 1 / (1 + np.exp(-x[big]))
    small_exp = np.exp(x[~big])
    result[~big] = small_exp / (small_exp + 1)
    return result


def reset_gate(X_t, H_prev, W_r, U_r, b_r):
    # column-vector algebra on the transposes, turned back at the end
    return sigmoid((W_r.T @ X_t.T + U_r.T @ H_prev.T + np.reshape(b_r, (-1, 1))).T)


def update_gate(X_t, H_prev, W_z, U_z, b_z):
    return sigmoid((W_z.T @ X_t.T + U_z.T @ H_prev.T + np.reshape(b_z, (-1, 1))).T)


def candidate_hidden_state(X_t, H_prev, R_t, W_h, U_h, b_h):
    return np.tanh((W_h.T @ X_t.T + U_h.T @ (R_t * H_prev).T + np.reshape(b_h, (-1, 1))).T)


def hidden_state(H_prev, Z_t, H_tilde):
    mixed = H_tilde.copy()
    mixed -= H_prev
    mixed *= Z_t
    mixed += H_prev
    return mixed


def gru_cell_forward(X_t, H_prev, params):
    P = params
    reset = reset_gate(X_t, H_prev, P["W_r"], P["U_r"], P["b_r"])
    return hidden_state(
        H_prev,
        update_gate(X_t, H_prev, P["W_z"], P["U_z"], P["b_z"]),
        candidate_hidden_state(X_t, H_prev, reset, P["W_h"], P["U_h"], P["b_h"]),
    )


def gru_forward(X, H0, params):
    T = len(X)
    n, h = H0.shape
    H_all = np.zeros((T, n, h))
    prev = H0
    for step in range(T):
        H_all[step] = prev = gru_cell_forward(X[step], prev, params)
    return H_all
