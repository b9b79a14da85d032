import numpy as np
import math


def sigmoid(x):
    x = np.array(x, dtype=np.float64)
    flat = x.ravel()
    res = np.empty_like(flat)
    for i, v in enumerate(flat):
        if v >= 0:
            res[i] = 1.0 / (1.0 + math.exp(-v))
        else:
            e = math.exp(v)
            res[i] = e / (1.0 + e)
    return res.reshape(x.shape)


def gate(X_t, H_prev, W, U, b, activation):
    return activation(X_t @ W + H_prev @ U + b)


def reset_gate(X_t, H_prev, W_r, U_r, b_r):
    return gate(X_t, H_prev, W_r, U_r, b_r, sigmoid)


def update_gate(X_t, H_prev, W_z, U_z, b_z):
    return gate(X_t, H_prev, W_z, U_z, b_z, sigmoid)


def candidate_hidden_state(X_t, H_prev, R_t, W_h, U_h, b_h):
    return gate(X_t, R_t * H_prev, W_h, U_h, b_h, np.tanh)


def hidden_state(H_prev, Z_t, H_tilde):
    return H_prev * (1.0 - Z_t) + H_tilde * Z_t


def gru_cell_forward(X_t, H_prev, params):
    r = reset_gate(X_t, H_prev, params["W_r"], params["U_r"], params["b_r"])
    z = update_gate(X_t, H_prev, params["W_z"], params["U_z"], params["b_z"])
    cand = candidate_hidden_state(X_t, H_prev, r, params["W_h"], params["U_h"], params["b_h"])
    return hidden_state(H_prev, z, cand)


def gru_forward(X, H0, params):
    T = X.shape[0]
    out = np.zeros((T, *H0.shape))
    H = H0
    for t in range(T):
        out[t] = H = gru_cell_forward(X[t], H, params)
    return out
