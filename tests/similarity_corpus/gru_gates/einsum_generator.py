import numpy as np


def sigmoid(x):
    z = np.exp(-np.abs(np.asarray(x, dtype=float)))
    return np.where(np.asarray(x) < 0, z, 1.0) / (1.0 + z)


def _pre(X_t, H_prev, W, U, b):
    return np.einsum("nd,dh->nh", X_t, W) + np.einsum("nk,kh->nh", H_prev, U) + b


def reset_gate(X_t, H_prev, W_r, U_r, b_r):
    return sigmoid(_pre(X_t, H_prev, W_r, U_r, b_r))


def update_gate(X_t, H_prev, W_z, U_z, b_z):
    return sigmoid(_pre(X_t, H_prev, W_z, U_z, b_z))


def candidate_hidden_state(X_t, H_prev, R_t, W_h, U_h, b_h):
    return np.tanh(_pre(X_t, np.einsum("nh,nh->nh", R_t, H_prev), W_h, U_h, b_h))


def hidden_state(H_prev, Z_t, H_tilde):
    return np.einsum("nh,nh->nh", 1 - Z_t, H_prev) + np.einsum("nh,nh->nh", Z_t, H_tilde)


def gru_cell_forward(X_t, H_prev, params):
    p = lambda *keys: [params[key] for key in keys]  # noqa: E731
    r_t = reset_gate(X_t, H_prev, *p("W_r", "U_r", "b_r"))
    z_t = update_gate(X_t, H_prev, *p("W_z", "U_z", "b_z"))
    return hidden_state(H_prev, z_t, candidate_hidden_state(X_t, H_prev, r_t, *p("W_h", "U_h", "b_h")))


def _run(X, H, params):
    for x in X:
        H = gru_cell_forward(x, H, params)
        yield H


def gru_forward(X, H0, params):
    return np.array(list(_run(X, H0, params)))
