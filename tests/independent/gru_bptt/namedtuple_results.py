from collections import namedtuple

CellGradients = namedtuple("CellGradients", "dX_t dH_prev grads")
SequenceGradients = namedtuple("SequenceGradients", "dX dH0 grads")


def numerical_gradient(f, x, eps=1e-6):
    grad = np.zeros_like(x, dtype=float)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        fp = f(x)
        x[i] = old - eps
        fm = f(x)
        x[i] = old
        grad[i] = (fp - fm) / (2 * eps)
        it.iternext()
    return grad


def gru_cell_backward(dH_t, X_t, H_prev, params):
    p = params
    s = gru_step(X_t, H_prev, p)
    R, Z, Ht = s["R"], s["Z"], s["H_tilde"]
    dHt = dH_t * Z
    dZ = dH_t * (Ht - H_prev)
    dH_prev = dH_t * (1 - Z)
    dA_h = dHt * (1 - Ht ** 2)
    dA_z = dZ * Z * (1 - Z)
    dM = dA_h @ p["U_h"].T
    dR = dM * H_prev
    dH_prev = dH_prev + dM * R
    dA_r = dR * R * (1 - R)
    grads = {
        "W_r": X_t.T @ dA_r, "U_r": H_prev.T @ dA_r, "b_r": dA_r.sum(axis=0).reshape(p["b_r"].shape),
        "W_z": X_t.T @ dA_z, "U_z": H_prev.T @ dA_z, "b_z": dA_z.sum(axis=0).reshape(p["b_z"].shape),
        "W_h": X_t.T @ dA_h, "U_h": (R * H_prev).T @ dA_h, "b_h": dA_h.sum(axis=0).reshape(p["b_h"].shape),
    }
    dX_t = dA_r @ p["W_r"].T + dA_z @ p["W_z"].T + dA_h @ p["W_h"].T
    dH_prev = dH_prev + dA_r @ p["U_r"].T + dA_z @ p["U_z"].T
    return CellGradients(dX_t, dH_prev, grads)


def gru_backward(dH, X, H0, params):
    H = gru_states(X, H0, params)
    T = X.shape[0]
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dX = np.zeros_like(X)
    carry = np.zeros_like(H0)
    for t in reversed(range(T)):
        H_prev = H0 if t == 0 else H[t - 1]
        dX[t], carry, g = gru_cell_backward(dH[t] + carry, X[t], H_prev, params)
        for k in grads:
            grads[k] += g[k]
    return SequenceGradients(dX=dX, dH0=carry, grads=grads)


def clip_gradients(grads, max_norm):
    total = np.linalg.norm(np.concatenate([g.ravel() for g in grads.values()]))
    scale = min(1.0, max_norm / total) if total else 1.0
    return {k: np.array(g, copy=True) * scale for k, g in grads.items()}
