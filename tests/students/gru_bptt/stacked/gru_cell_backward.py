def _forward_cache(X_t, H_prev, params):
    h = H_prev.shape[1]
    W = np.concatenate([params["W_r"], params["W_z"], params["W_h"]], axis=1)
    b = np.concatenate([np.ravel(params[k]) for k in ("b_r", "b_z", "b_h")])
    U_rz = np.concatenate([params["U_r"], params["U_z"]], axis=1)
    a = X_t @ W + b
    rz = 0.5 * (1 + np.tanh(0.5 * (a[:, :2 * h] + H_prev @ U_rz)))
    r, z = rz[:, :h], rz[:, h:]
    c = np.tanh(a[:, 2 * h:] + (r * H_prev) @ params["U_h"])
    return W, U_rz, r, z, c


def gru_cell_backward(dH_t, X_t, H_prev, params):
    h = H_prev.shape[1]
    W, U_rz, r, z, c = _forward_cache(X_t, H_prev, params)
    da_h = dH_t * z * (1 - c ** 2)
    dm = da_h @ params["U_h"].T
    da_rz = np.concatenate([dm * H_prev * r * (1 - r), dH_t * (c - H_prev) * z * (1 - z)], axis=1)
    dA = np.concatenate([da_rz, da_h], axis=1)
    dW, db = X_t.T @ dA, dA.sum(axis=0)
    dU_rz = H_prev.T @ da_rz
    grads = {"U_r": dU_rz[:, :h], "U_z": dU_rz[:, h:], "U_h": (r * H_prev).T @ da_h}
    for i, g in enumerate("rzh"):
        grads["W_" + g] = dW[:, i * h:(i + 1) * h]
        grads["b_" + g] = db[i * h:(i + 1) * h].reshape(np.shape(params["b_" + g]))
    dH_prev = dH_t * (1 - z) + dm * r + da_rz @ U_rz.T
    return dA @ W.T, dH_prev, grads
