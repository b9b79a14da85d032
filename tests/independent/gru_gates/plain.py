def sigmoid(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def reset_gate(X_t, H_prev, W_r, U_r, b_r):
    return sigmoid(X_t @ W_r + H_prev @ U_r + b_r)


def update_gate(X_t, H_prev, W_z, U_z, b_z):
    return sigmoid(X_t @ W_z + H_prev @ U_z + b_z)


def candidate_hidden_state(X_t, H_prev, R_t, W_h, U_h, b_h):
    return np.tanh(X_t @ W_h + (R_t * H_prev) @ U_h + b_h)


def hidden_state(H_prev, Z_t, H_tilde):
    return (1 - Z_t) * H_prev + Z_t * H_tilde


def gru_cell_forward(X_t, H_prev, params):
    R = reset_gate(X_t, H_prev, params["W_r"], params["U_r"], params["b_r"])
    Z = update_gate(X_t, H_prev, params["W_z"], params["U_z"], params["b_z"])
    H_tilde = candidate_hidden_state(X_t, H_prev, R, params["W_h"], params["U_h"], params["b_h"])
    return hidden_state(H_prev, Z, H_tilde)


def gru_forward(X, H0, params):
    H = H0
    states = []
    for t in range(X.shape[0]):
        H = gru_cell_forward(X[t], H, params)
        states.append(H)
    return np.stack(states)
