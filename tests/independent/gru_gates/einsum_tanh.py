def sigmoid(x):
    # 1/(1+e^-x) = (1 + tanh(x/2)) / 2, tanh never overflows
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=np.float64)))


def _affine(X_t, H_prev, W, U, b):
    return np.einsum("nd,dh->nh", X_t, W) + np.einsum("nk,kh->nh", H_prev, U) + np.reshape(b, (1, -1))


def reset_gate(X_t, H_prev, W_r, U_r, b_r):
    return sigmoid(_affine(X_t, H_prev, W_r, U_r, b_r))


def update_gate(X_t, H_prev, W_z, U_z, b_z):
    return sigmoid(_affine(X_t, H_prev, W_z, U_z, b_z))


def candidate_hidden_state(X_t, H_prev, R_t, W_h, U_h, b_h):
    gated = np.einsum("nh,nh->nh", R_t, H_prev)
    return np.tanh(_affine(X_t, gated, W_h, U_h, b_h))


def hidden_state(H_prev, Z_t, H_tilde):
    # interpolation written as a step from H_prev towards H_tilde
    return H_prev + Z_t * (H_tilde - H_prev)


def gru_cell_forward(X_t, H_prev, params):
    p = params
    R_t = reset_gate(X_t, H_prev, p["W_r"], p["U_r"], p["b_r"])
    Z_t = update_gate(X_t, H_prev, p["W_z"], p["U_z"], p["b_z"])
    H_tilde = candidate_hidden_state(X_t, H_prev, R_t, p["W_h"], p["U_h"], p["b_h"])
    return hidden_state(H_prev, Z_t, H_tilde)


def gru_forward(X, H0, params):
    T, n, _ = X.shape
    out = np.empty((T, n, H0.shape[1]))
    H = H0
    for t in range(T):
        H = gru_cell_forward(X[t], H, params)
        out[t] = H
    return out
