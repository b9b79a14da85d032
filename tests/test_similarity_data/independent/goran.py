import numpy as np


def sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def reset_gate(X_t, H_prev, W_r, U_r, b_r):
    R_t = sigmoid(np.einsum("nd,dh->nh", X_t, W_r) + np.einsum("nk,kh->nh", H_prev, U_r) + b_r)
    return R_t


def update_gate(X_t, H_prev, W_z, U_z, b_z):
    Z_t = sigmoid(np.einsum("nd,dh->nh", X_t, W_z) + np.einsum("nk,kh->nh", H_prev, U_z) + b_z)
    return Z_t


def candidate_hidden_state(X_t, H_prev, R_t, W_h, U_h, b_h):
    H_tilde = np.tanh(np.einsum("nd,dh->nh", X_t, W_h) + np.einsum("nk,kh->nh", R_t * H_prev, U_h) + b_h)
    return H_tilde


def hidden_state(H_prev, Z_t, H_tilde):
    H_t = (1 - Z_t) * H_prev + Z_t * H_tilde
    return H_t


def gru_cell_forward(X_t, H_prev, params):
    R_t = reset_gate(X_t, H_prev, params['W_r'], params['U_r'], params['b_r'])
    Z_t = update_gate(X_t, H_prev, params['W_z'], params['U_z'], params['b_z'])
    H_tilde = candidate_hidden_state(X_t, H_prev, R_t, params['W_h'], params['U_h'], params['b_h'])
    H_t = hidden_state(H_prev, Z_t, H_tilde)
    return H_t


def gru_forward(X, H0, params):
    H_list = [H0]
    for X_t in X:
        H_list.append(gru_cell_forward(X_t, H_list[-1], params))
    return np.stack(H_list[1:])
