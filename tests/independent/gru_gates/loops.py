import math


def _sig(v):
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)
    return e / (1.0 + e)


def sigmoid(x):
    arr = np.array(x, dtype=float)
    out = np.zeros_like(arr)
    for idx in np.ndindex(arr.shape):
        out[idx] = _sig(float(arr[idx]))
    return out


def _gate(X_t, H_prev, W, U, b):
    n, d = X_t.shape
    h = W.shape[1]
    b = np.ravel(b)
    out = np.zeros((n, h))
    for i in range(n):
        for j in range(h):
            s = b[j]
            for k in range(d):
                s += X_t[i, k] * W[k, j]
            for k in range(h):
                s += H_prev[i, k] * U[k, j]
            out[i, j] = s
    return out


def reset_gate(X_t, H_prev, W_r, U_r, b_r):
    return sigmoid(_gate(X_t, H_prev, W_r, U_r, b_r))


def update_gate(X_t, H_prev, W_z, U_z, b_z):
    return sigmoid(_gate(X_t, H_prev, W_z, U_z, b_z))


def candidate_hidden_state(X_t, H_prev, R_t, W_h, U_h, b_h):
    n, h = H_prev.shape
    RH = np.zeros((n, h))
    for i in range(n):
        for j in range(h):
            RH[i, j] = R_t[i, j] * H_prev[i, j]
    A = _gate(X_t, RH, W_h, U_h, b_h)
    for i in range(n):
        for j in range(h):
            A[i, j] = math.tanh(A[i, j])
    return A


def hidden_state(H_prev, Z_t, H_tilde):
    n, h = H_prev.shape
    out = np.zeros((n, h))
    for i in range(n):
        for j in range(h):
            z = Z_t[i, j]
            out[i, j] = (1.0 - z) * H_prev[i, j] + z * H_tilde[i, j]
    return out


def gru_cell_forward(X_t, H_prev, params):
    R = reset_gate(X_t, H_prev, params["W_r"], params["U_r"], params["b_r"])
    Z = update_gate(X_t, H_prev, params["W_z"], params["U_z"], params["b_z"])
    Ht = candidate_hidden_state(X_t, H_prev, R, params["W_h"], params["U_h"], params["b_h"])
    return hidden_state(H_prev, Z, Ht)


def gru_forward(X, H0, params):
    result = []
    H = H0
    for X_t in X:
        H = gru_cell_forward(X_t, H, params)
        result.append(H.copy())
    return np.array(result)
