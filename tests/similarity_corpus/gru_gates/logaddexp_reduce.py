from functools import reduce

import numpy as np


def sigmoid(x):
    return np.exp(-np.logaddexp(0.0, -np.asarray(x, dtype=np.float64)))


def reset_gate(X_t, H_prev, W_r, U_r, b_r):
    return sigmoid(np.dot(X_t, W_r) + np.dot(H_prev, U_r) + b_r)


def update_gate(X_t, H_prev, W_z, U_z, b_z):
    return sigmoid(np.dot(H_prev, U_z) + np.dot(X_t, W_z) + b_z)


def candidate_hidden_state(X_t, H_prev, R_t, W_h, U_h, b_h):
    gated = np.multiply(R_t, H_prev)
    return np.tanh(np.dot(gated, U_h) + np.dot(X_t, W_h) + b_h)


def hidden_state(H_prev, Z_t, H_tilde):
    return H_prev + Z_t * (H_tilde - H_prev)


def gru_cell_forward(X_t, H_prev, params):
    g = params.get
    r = reset_gate(X_t, H_prev, g("W_r"), g("U_r"), g("b_r"))
    z = update_gate(X_t, H_prev, g("W_z"), g("U_z"), g("b_z"))
    return hidden_state(H_prev, z, candidate_hidden_state(X_t, H_prev, r, g("W_h"), g("U_h"), g("b_h")))


def gru_forward(X, H0, params):
    def step(history, x_t):
        return history + [gru_cell_forward(x_t, history[-1], params)]
    return np.array(reduce(step, list(X), [H0])[1:])
