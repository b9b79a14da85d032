import numpy as np


def sigmoid(x):
    v = np.array(x, dtype=float, copy=True)
    neg = v < 0
    v[neg] = np.exp(v[neg]) / (np.exp(v[neg]) + 1.0)
    v[~neg] = 1.0 / (np.exp(-v[~neg]) + 1.0)
    return v


def reset_gate(X_t, H_prev, W_r, U_r, b_r):
    pre_activation = b_r + np.matmul(H_prev, U_r)
    pre_activation = pre_activation + np.matmul(X_t, W_r)
    return sigmoid(pre_activation)


def update_gate(X_t, H_prev, W_z, U_z, b_z):
    pre_activation = b_z + np.matmul(H_prev, U_z)
    pre_activation = pre_activation + np.matmul(X_t, W_z)
    return sigmoid(pre_activation)


def candidate_hidden_state(X_t, H_prev, R_t, W_h, U_h, b_h):
    remembered = R_t * H_prev
    return np.tanh(b_h + np.matmul(remembered, U_h) + np.matmul(X_t, W_h))


def hidden_state(H_prev, Z_t, H_tilde):
    keep = 1.0 - Z_t
    return keep * H_prev + Z_t * H_tilde


def gru_cell_forward(X_t, H_prev, params):
    names = ("W_r", "U_r", "b_r", "W_z", "U_z", "b_z", "W_h", "U_h", "b_h")
    Wr, Ur, br, Wz, Uz, bz, Wh, Uh, bh = map(params.__getitem__, names)
    reset = reset_gate(X_t, H_prev, Wr, Ur, br)
    update = update_gate(X_t, H_prev, Wz, Uz, bz)
    return hidden_state(H_prev, update, candidate_hidden_state(X_t, H_prev, reset, Wh, Uh, bh))


def gru_forward(X, H0, params):
    if len(X) == 0:
        return np.zeros((0,) + H0.shape)
    first = gru_cell_forward(X[0], H0, params)
    return np.concatenate([first[None], gru_forward(X[1:], first, params)], axis=0)
