def sigmoid(x):
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(over="ignore"):
        e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def reset_gate(X_t, H_prev, W_r, U_r, b_r):
    a = X_t.astype(np.float32) @ W_r.astype(np.float32) + H_prev.astype(np.float32) @ U_r.astype(np.float32)
    return sigmoid(a.astype(np.float64) + b_r)


def update_gate(X_t, H_prev, W_z, U_z, b_z):
    a = X_t.astype(np.float32) @ W_z.astype(np.float32) + H_prev.astype(np.float32) @ U_z.astype(np.float32)
    return sigmoid(a.astype(np.float64) + b_z)


def candidate_hidden_state(X_t, H_prev, R_t, W_h, U_h, b_h):
    return np.tanh(X_t @ W_h + (R_t * H_prev) @ U_h + b_h)


def hidden_state(H_prev, Z_t, H_tilde):
    return (1 - Z_t) * H_prev + Z_t * H_tilde


def gru_cell_forward(X_t, H_prev, params):
    R = reset_gate(X_t, H_prev, params["W_r"], params["U_r"], params["b_r"])
    Z = update_gate(X_t, H_prev, params["W_z"], params["U_z"], params["b_z"])
    return hidden_state(H_prev, Z, candidate_hidden_state(X_t, H_prev, R, params["W_h"], params["U_h"], params["b_h"]))


def gru_forward(X, H0, params):
    return np.stack(list(_states(X, H0, params)))


def _states(X, H0, params):
    H = H0
    for X_t in X:
        H = gru_cell_forward(X_t, H, params)
        yield H
