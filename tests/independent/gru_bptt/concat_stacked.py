def numerical_gradient(f, x, eps=1e-6):
    out = np.zeros(x.shape, dtype=np.float64)
    for idx in np.ndindex(*x.shape):
        keep = x[idx].copy()
        x[idx] = keep + eps
        a = f(x)
        x[idx] = keep - eps
        b = f(x)
        x[idx] = keep
        out[idx] = (a - b) / (2 * eps)
    return out


def gru_cell_backward(dH_t, X_t, H_prev, params):
    # gates r and z share one matrix [[W_r, W_z], [U_r, U_z]] applied to [X_t, H_prev]
    p = params
    d = X_t.shape[1]
    h = H_prev.shape[1]
    W_rz = np.block([[p["W_r"], p["W_z"]], [p["U_r"], p["U_z"]]])
    b_rz = np.concatenate([np.ravel(p["b_r"]), np.ravel(p["b_z"])])
    XH = np.concatenate([X_t, H_prev], axis=1)
    RZ = logistic(XH @ W_rz + b_rz)
    R, Z = RZ[:, :h], RZ[:, h:]
    M = R * H_prev
    XM = np.concatenate([X_t, M], axis=1)
    W_hh = np.vstack([p["W_h"], p["U_h"]])
    Hc = np.tanh(XM @ W_hh + np.ravel(p["b_h"]))

    dA_h = dH_t * Z * (1 - Hc ** 2)
    dXM = dA_h @ W_hh.T
    dM = dXM[:, d:]
    dA_r = dM * H_prev * R * (1 - R)
    dA_z = dH_t * (Hc - H_prev) * Z * (1 - Z)
    dA_rz = np.concatenate([dA_r, dA_z], axis=1)
    dXH = dA_rz @ W_rz.T
    dW_rz = XH.T @ dA_rz
    dW_hh = XM.T @ dA_h

    dX_t = dXH[:, :d] + dXM[:, :d]
    dH_prev = dXH[:, d:] + dM * R + dH_t * (1 - Z)
    grads = {
        "W_r": dW_rz[:d, :h], "W_z": dW_rz[:d, h:], "U_r": dW_rz[d:, :h], "U_z": dW_rz[d:, h:],
        "W_h": dW_hh[:d], "U_h": dW_hh[d:],
        "b_r": dA_r.sum(0).reshape(np.shape(p["b_r"])),
        "b_z": dA_z.sum(0).reshape(np.shape(p["b_z"])),
        "b_h": dA_h.sum(0).reshape(np.shape(p["b_h"])),
    }
    return dX_t, dH_prev, grads


def gru_backward(dH, X, H0, params):
    states = [H0] + list(gru_states(X, H0, params))
    dX = []
    total = {k: 0.0 for k in params}
    dh_next = 0.0
    for t in range(len(X) - 1, -1, -1):
        dx, dh_next, g = gru_cell_backward(dH[t] + dh_next, X[t], states[t], params)
        dX.insert(0, dx)
        total = {k: total[k] + g[k] for k in total}
    return np.array(dX), np.asarray(dh_next), total


def clip_gradients(grads, max_norm):
    flat = np.concatenate([np.ravel(v) for v in grads.values()])
    norm = np.linalg.norm(flat)
    factor = 1.0 if norm <= max_norm else max_norm / norm
    return dict((k, np.array(v) * factor) for k, v in grads.items())
