def sigmoid(x):
    x = np.asarray(x, dtype=np.float64)
    z = np.exp(-np.abs(x))  # in (0, 1], never overflows
    num = np.where(x >= 0, 1.0, z)
    return num / (1.0 + z)


def _gate_preactivation(X_t, H_prev, W, U, b):
    return np.matmul(X_t, W) + np.matmul(H_prev, U) + np.broadcast_to(b, (X_t.shape[0], W.shape[1]))


def reset_gate(X_t, H_prev, W_r, U_r, b_r):
    return sigmoid(_gate_preactivation(X_t, H_prev, W_r, U_r, b_r))


def update_gate(X_t, H_prev, W_z, U_z, b_z):
    return sigmoid(_gate_preactivation(X_t, H_prev, W_z, U_z, b_z))


def candidate_hidden_state(X_t, H_prev, R_t, W_h, U_h, b_h):
    return np.tanh(_gate_preactivation(X_t, np.multiply(R_t, H_prev), W_h, U_h, b_h))


def hidden_state(H_prev, Z_t, H_tilde):
    return np.subtract(1.0, Z_t) * H_prev + Z_t * H_tilde


def gru_cell_forward(X_t, H_prev, params):
    # both gates in one product with the weights stacked side by side, then split
    h = H_prev.shape[1]
    W = np.concatenate([params["W_r"], params["W_z"]], axis=1)
    U = np.concatenate([params["U_r"], params["U_z"]], axis=1)
    b = np.concatenate([np.ravel(params["b_r"]), np.ravel(params["b_z"])])
    R_t, Z_t = np.split(sigmoid(_gate_preactivation(X_t, H_prev, W, U, b)), [h], axis=1)
    H_tilde = candidate_hidden_state(X_t, H_prev, R_t, params["W_h"], params["U_h"], params["b_h"])
    return hidden_state(H_prev, Z_t, H_tilde)


def gru_forward(X, H0, params):
    T = X.shape[0]
    H = np.zeros((T + 1,) + np.shape(H0))
    H[0] = H0
    for t in range(1, T + 1):
        H[t] = gru_cell_forward(X[t - 1], H[t - 1], params)
    return H[1:].copy()
