import numpy as np


def sigmoid(x):
    """Stable logistic function: never calls exp on a large positive number."""
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))


def reset_gate(X_t, H_prev, W_r, U_r, b_r):
    pre = np.matmul(X_t, W_r) + np.matmul(H_prev, U_r)
    pre = pre + np.reshape(b_r, (1, -1))
    return sigmoid(pre)


def update_gate(X_t, H_prev, W_z, U_z, b_z):
    pre = np.matmul(X_t, W_z) + np.matmul(H_prev, U_z)
    pre = pre + np.reshape(b_z, (1, -1))
    return sigmoid(pre)


def candidate_hidden_state(X_t, H_prev, R_t, W_h, U_h, b_h):
    gated = R_t * H_prev
    pre = np.matmul(X_t, W_h) + np.matmul(gated, U_h) + np.reshape(b_h, (1, -1))
    return np.tanh(pre)


def hidden_state(H_prev, Z_t, H_tilde):
    keep = 1.0 - Z_t
    return keep * H_prev + Z_t * H_tilde


def gru_cell_forward(X_t, H_prev, params):
    W_r, U_r, b_r = params["W_r"], params["U_r"], params["b_r"]
    W_z, U_z, b_z = params["W_z"], params["U_z"], params["b_z"]
    W_h, U_h, b_h = params["W_h"], params["U_h"], params["b_h"]
    R_t = reset_gate(X_t, H_prev, W_r, U_r, b_r)
    Z_t = update_gate(X_t, H_prev, W_z, U_z, b_z)
    H_tilde = candidate_hidden_state(X_t, H_prev, R_t, W_h, U_h, b_h)
    return hidden_state(H_prev, Z_t, H_tilde)


def gru_forward(X, H0, params):
    T = len(X)
    H = np.empty((T,) + H0.shape)
    H_prev = H0
    t = 0
    while t < T:
        H_prev = gru_cell_forward(X[t], H_prev, params)
        H[t] = H_prev
        t += 1
    return H
