def numerical_gradient(f, x, eps=1e-6):
    g = np.zeros(x.shape)
    it = np.nditer(g, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        x0 = x[i]
        x[i] = x0 + eps
        f1 = f(x)
        x[i] = x0 - eps
        f2 = f(x)
        x[i] = x0
        g[i] = (f1 - f2) / (2 * eps)
    return g


def _pieces(X_t, H_prev, p):
    R = logistic(X_t @ p["W_r"] + H_prev @ p["U_r"] + p["b_r"])
    Z = logistic(X_t @ p["W_z"] + H_prev @ p["U_z"] + p["b_z"])
    C = np.tanh(X_t @ p["W_h"] + (R * H_prev) @ p["U_h"] + p["b_h"])
    return R, Z, C


def _local(G, H_prev, R, Z, C, U_h):
    dA_h = G * Z * (1 - C ** 2)
    dA_z = G * (C - H_prev) * Z * (1 - Z)
    dM = dA_h @ U_h.T
    dA_r = dM * H_prev * R * (1 - R)
    return dA_r, dA_z, dA_h, dM


def gru_cell_backward(dH_t, X_t, H_prev, params):
    p = params
    R, Z, C = _pieces(X_t, H_prev, p)
    dA_r, dA_z, dA_h, dM = _local(dH_t, H_prev, R, Z, C, p["U_h"])
    dX_t = dA_r @ p["W_r"].T + dA_z @ p["W_z"].T + dA_h @ p["W_h"].T
    dH_prev = dH_t * (1 - Z) + dM * R + dA_r @ p["U_r"].T + dA_z @ p["U_z"].T
    grads = {"W_r": X_t.T @ dA_r, "W_z": X_t.T @ dA_z, "W_h": X_t.T @ dA_h,
             "U_r": H_prev.T @ dA_r, "U_z": H_prev.T @ dA_z, "U_h": (R * H_prev).T @ dA_h}
    for k, dA in (("b_r", dA_r), ("b_z", dA_z), ("b_h", dA_h)):
        grads[k] = np.reshape(dA.sum(axis=0), np.shape(p[k]))
    return dX_t, dH_prev, grads


def gru_backward(dH, X, H0, params):
    # the recursion runs step by step, the parameter and input gradients are batched over time
    p = params
    T = X.shape[0]
    Hs = gru_states(X, H0, p)
    Hprev = np.concatenate([H0[None], Hs[:-1]], axis=0)
    R, Z, C = _pieces(X, Hprev, p)  # (T, n, h), broadcasting matmul over time
    dA_r = np.zeros_like(R); dA_z = np.zeros_like(Z); dA_h = np.zeros_like(C)
    carry = np.zeros_like(H0)
    for t in range(T - 1, -1, -1):
        G = dH[t] + carry
        dA_r[t], dA_z[t], dA_h[t], dM = _local(G, Hprev[t], R[t], Z[t], C[t], p["U_h"])
        carry = G * (1 - Z[t]) + dM * R[t] + dA_r[t] @ p["U_r"].T + dA_z[t] @ p["U_z"].T
    dX = dA_r @ p["W_r"].T + dA_z @ p["W_z"].T + dA_h @ p["W_h"].T
    grads = {
        "W_r": np.einsum("tnd,tnh->dh", X, dA_r), "W_z": np.einsum("tnd,tnh->dh", X, dA_z),
        "W_h": np.einsum("tnd,tnh->dh", X, dA_h),
        "U_r": np.einsum("tnk,tnh->kh", Hprev, dA_r), "U_z": np.einsum("tnk,tnh->kh", Hprev, dA_z),
        "U_h": np.einsum("tnk,tnh->kh", R * Hprev, dA_h),
    }
    for k, dA in (("b_r", dA_r), ("b_z", dA_z), ("b_h", dA_h)):
        grads[k] = dA.sum(axis=(0, 1)).reshape(np.shape(p[k]))
    return dX, carry, grads


def clip_gradients(grads, max_norm):
    total_norm = np.linalg.norm([np.linalg.norm(v) for v in grads.values()])
    factor = max_norm / total_norm if total_norm > max_norm else 1.0
    return {name: np.multiply(value, factor) for name, value in grads.items()}
