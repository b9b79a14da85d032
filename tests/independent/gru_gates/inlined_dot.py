def sigmoid(x):
    x = np.asarray(x, dtype=np.float64)
    # log sigma(x) = -log(1 + e^-x) = -logaddexp(0, -x): no overflow anywhere
    return np.exp(-np.logaddexp(0.0, -x))


def reset_gate(X_t, H_prev, W_r, U_r, b_r):
    b = np.reshape(b_r, (1, -1))
    return sigmoid(np.dot(X_t, W_r) + np.dot(H_prev, U_r) + b)


def update_gate(X_t, H_prev, W_z, U_z, b_z):
    b = np.reshape(b_z, (1, -1))
    return sigmoid(np.dot(X_t, W_z) + np.dot(H_prev, U_z) + b)


def candidate_hidden_state(X_t, H_prev, R_t, W_h, U_h, b_h):
    b = np.reshape(b_h, (1, -1))
    return np.tanh(np.dot(X_t, W_h) + np.dot(np.multiply(R_t, H_prev), U_h) + b)


def hidden_state(H_prev, Z_t, H_tilde):
    return np.multiply(1.0 - Z_t, H_prev) + np.multiply(Z_t, H_tilde)


def gru_cell_forward(X_t, H_prev, params):
    W_r, U_r, b_r = params["W_r"], params["U_r"], params["b_r"]
    W_z, U_z, b_z = params["W_z"], params["U_z"], params["b_z"]
    W_h, U_h, b_h = params["W_h"], params["U_h"], params["b_h"]
    R = reset_gate(X_t, H_prev, W_r, U_r, b_r)
    Z = update_gate(X_t, H_prev, W_z, U_z, b_z)
    Hc = candidate_hidden_state(X_t, H_prev, R, W_h, U_h, b_h)
    return hidden_state(H_prev, Z, Hc)


def gru_forward(X, H0, params):
    # the whole step written out again, without calling gru_cell_forward
    p = {k: (np.reshape(v, (1, -1)) if k.startswith("b_") else v) for k, v in params.items()}
    T = len(X)
    H = np.array(H0, dtype=float)
    out = np.zeros((T,) + H.shape)
    for t in range(T):
        x = X[t]
        r = sigmoid(np.dot(x, p["W_r"]) + np.dot(H, p["U_r"]) + p["b_r"])
        z = sigmoid(np.dot(x, p["W_z"]) + np.dot(H, p["U_z"]) + p["b_z"])
        c = np.tanh(np.dot(x, p["W_h"]) + np.dot(r * H, p["U_h"]) + p["b_h"])
        H = z * c + (1.0 - z) * H
        out[t] = H
    return out
