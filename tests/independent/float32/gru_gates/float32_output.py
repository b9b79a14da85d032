def sigmoid(x):
    x = np.asarray(x, dtype=np.float64)
    return np.exp(np.minimum(x, 0)) / (1.0 + np.exp(-np.abs(x)))


def reset_gate(X_t, H_prev, W_r, U_r, b_r):
    return sigmoid(X_t @ W_r + H_prev @ U_r + b_r).astype(np.float32)


def update_gate(X_t, H_prev, W_z, U_z, b_z):
    return sigmoid(X_t @ W_z + H_prev @ U_z + b_z).astype(np.float32)


def candidate_hidden_state(X_t, H_prev, R_t, W_h, U_h, b_h):
    return np.tanh(X_t @ W_h + (R_t * H_prev) @ U_h + b_h).astype(np.float32)


def hidden_state(H_prev, Z_t, H_tilde):
    return ((1 - Z_t) * H_prev + Z_t * H_tilde).astype(np.float32)


def gru_cell_forward(X_t, H_prev, params):
    R = reset_gate(X_t, H_prev, params["W_r"], params["U_r"], params["b_r"])
    Z = update_gate(X_t, H_prev, params["W_z"], params["U_z"], params["b_z"])
    return hidden_state(H_prev, Z, candidate_hidden_state(X_t, H_prev, R, params["W_h"], params["U_h"], params["b_h"]))


def gru_forward(X, H0, params):
    out = np.zeros(X.shape[:2] + (H0.shape[1],), dtype=np.float32)
    H = H0
    for t, X_t in enumerate(X):
        H = gru_cell_forward(X_t, H, params)
        out[t] = H
    return out
