import math

import numpy as np


def _logistic(value):
    if value >= 0:
        return 1.0 / (1.0 + math.exp(-value))
    expv = math.exp(value)
    return expv / (1.0 + expv)


def sigmoid(x):
    arr = np.asarray(x, dtype=float)
    return np.array([_logistic(v) for v in arr.ravel()]).reshape(arr.shape)


def _linear(inputs, hidden, w_in, w_hid, bias):
    rows, cols = inputs.shape[0], w_in.shape[1]
    result = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            acc = float(np.ravel(bias)[j])
            for p in range(inputs.shape[1]):
                acc += inputs[i, p] * w_in[p, j]
            for q in range(hidden.shape[1]):
                acc += hidden[i, q] * w_hid[q, j]
            result[i, j] = acc
    return result


def reset_gate(X_t, H_prev, W_r, U_r, b_r):
    return sigmoid(_linear(X_t, H_prev, W_r, U_r, b_r))


def update_gate(X_t, H_prev, W_z, U_z, b_z):
    return sigmoid(_linear(X_t, H_prev, W_z, U_z, b_z))


def candidate_hidden_state(X_t, H_prev, R_t, W_h, U_h, b_h):
    return np.tanh(_linear(X_t, R_t * H_prev, W_h, U_h, b_h))


def hidden_state(H_prev, Z_t, H_tilde):
    out = np.empty_like(H_prev, dtype=float)
    for index in np.ndindex(out.shape):
        out[index] = (1 - Z_t[index]) * H_prev[index] + Z_t[index] * H_tilde[index]
    return out


def gru_cell_forward(X_t, H_prev, params):
    reset = reset_gate(X_t, H_prev, params["W_r"], params["U_r"], params["b_r"])
    update = update_gate(X_t, H_prev, params["W_z"], params["U_z"], params["b_z"])
    proposal = candidate_hidden_state(X_t, H_prev, reset, params["W_h"], params["U_h"], params["b_h"])
    return hidden_state(H_prev, update, proposal)


def gru_forward(X, H0, params):
    steps = X.shape[0]
    states = np.zeros((steps, H0.shape[0], H0.shape[1]))
    current = H0
    t = 0
    while t < steps:
        current = gru_cell_forward(X[t], current, params)
        states[t, :, :] = current
        t += 1
    return states
