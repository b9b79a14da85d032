import numpy as np


def sigmoid(x):
    # exp of a non-positive number only, so no overflow
    small = np.exp(np.minimum(x, 0.0))
    return small / (small + np.exp(np.minimum(-x, 0.0)))


def _affine(X_t, H_prev, W, U, b):
    return X_t @ W + H_prev @ U + b


def reset_gate(X_t, H_prev, W_r, U_r, b_r):
    return sigmoid(_affine(X_t, H_prev, W_r, U_r, b_r))


def update_gate(X_t, H_prev, W_z, U_z, b_z):
    return sigmoid(_affine(X_t, H_prev, W_z, U_z, b_z))


def candidate_hidden_state(X_t, H_prev, R_t, W_h, U_h, b_h):
    return np.tanh(_affine(X_t, R_t * H_prev, W_h, U_h, b_h))


def hidden_state(H_prev, Z_t, H_tilde):
    return Z_t * H_tilde + (1.0 - Z_t) * H_prev


def gru_cell_forward(X_t, H_prev, params):
    R = reset_gate(X_t, H_prev, *(params[k] for k in ("W_r", "U_r", "b_r")))
    Z = update_gate(X_t, H_prev, *(params[k] for k in ("W_z", "U_z", "b_z")))
    Ht = candidate_hidden_state(X_t, H_prev, R, *(params[k] for k in ("W_h", "U_h", "b_h")))
    return hidden_state(H_prev, Z, Ht)


def gru_forward(X, H0, params):
    states = []
    H = H0
    for X_t in X:
        H = gru_cell_forward(X_t, H, params)
        states.append(H)
    return np.array(states)
