import numpy as np


def sigmoid(x):
    x = np.asarray(x, dtype=float)
    result = np.zeros_like(x)
    positive = x >= 0
    negative = ~positive
    result[positive] = 1 / (1 + np.exp(-x[positive]))
    exp_x = np.exp(x[negative])
    result[negative] = exp_x / (exp_x + 1)
    return result


def reset_gate(X_t, H_prev, W_r, U_r, b_r):
    linear = X_t @ W_r
    linear += H_prev @ U_r
    linear += b_r
    return sigmoid(linear)


def update_gate(X_t, H_prev, W_z, U_z, b_z):
    linear = X_t @ W_z
    linear += H_prev @ U_z
    linear += b_z
    return sigmoid(linear)


def candidate_hidden_state(X_t, H_prev, R_t, W_h, U_h, b_h):
    reset_hidden = R_t * H_prev
    linear = X_t @ W_h + reset_hidden @ U_h + b_h
    return np.tanh(linear)


def hidden_state(H_prev, Z_t, H_tilde):
    H_t = Z_t * H_tilde + H_prev - Z_t * H_prev
    return H_t


def gru_cell_forward(X_t, H_prev, params):
    R_t = reset_gate(X_t, H_prev, W_r=params["W_r"], U_r=params["U_r"], b_r=params["b_r"])
    Z_t = update_gate(X_t, H_prev, W_z=params["W_z"], U_z=params["U_z"], b_z=params["b_z"])
    H_tilde = candidate_hidden_state(X_t, H_prev, R_t, W_h=params["W_h"], U_h=params["U_h"], b_h=params["b_h"])
    H_t = hidden_state(H_prev, Z_t, H_tilde)
    return H_t


def gru_forward(X, H0, params):
    all_H = []
    current = H0.copy()
    for i in range(len(X)):
        current = gru_cell_forward(X[i], current, params)
        all_H.append(current.copy())
    return np.stack(all_H, axis=0)
