from collections import OrderedDict, defaultdict


def numerical_gradient(f, x, eps=1e-6):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        upper = f(x)
        x[i] = old - eps
        lower = f(x)
        x[i] = old
        grad[i] = (upper - lower) / (2 * eps)
    return grad


def gru_cell_backward(dH_t, X_t, H_prev, params):
    s = gru_step(X_t, H_prev, params)
    R, Z, C = s["R"], s["Z"], s["H_tilde"]
    dA = {
        "z": dH_t * (C - H_prev) * Z * (1 - Z),
        "h": dH_t * Z * (1 - C ** 2),
    }
    dM = dA["h"] @ params["U_h"].T
    dA["r"] = dM * H_prev * R * (1 - R)
    inputs = {"r": H_prev, "z": H_prev, "h": R * H_prev}
    grads = OrderedDict()
    for g in "rzh":
        grads["W_" + g] = X_t.T @ dA[g]
        grads["U_" + g] = inputs[g].T @ dA[g]
        grads["b_" + g] = dA[g].sum(axis=0).reshape(np.shape(params["b_" + g]))
    dX_t = sum(dA[g] @ params["W_" + g].T for g in "rzh")
    dH_prev = dH_t * (1 - Z) + dM * R + dA["r"] @ params["U_r"].T + dA["z"] @ params["U_z"].T
    return dX_t, dH_prev, grads


def gru_backward(dH, X, H0, params):
    H = np.concatenate([H0[None], gru_states(X, H0, params)])
    grads = defaultdict(float)
    dX = np.zeros_like(X)
    carry = np.zeros_like(H0)
    for t in range(len(X) - 1, -1, -1):
        dX[t], carry, step = gru_cell_backward(dH[t] + carry, X[t], H[t], params)
        for key, value in step.items():
            grads[key] += value
    return dX, carry, grads


def clip_gradients(grads, max_norm):
    norm = np.sqrt(sum(np.sum(np.square(g)) for g in grads.values()))
    factor = max_norm / norm if norm > max_norm else 1.0
    return OrderedDict((key, value * factor) for key, value in grads.items())
