def numerical_gradient(f, x, eps=1e-6):
    shape = x.shape
    result = []
    for flat_index in range(int(np.prod(shape))):
        index = np.unravel_index(flat_index, shape)
        value = x[index]
        x[index] = value + eps
        plus = f(x)
        x[index] = value - eps
        minus = f(x)
        x[index] = value
        result.append((plus - minus) / (2 * eps))
    return np.array(result, dtype=float).reshape(shape)


def gru_cell_backward(dH_t, X_t, H_prev, params):
    s = gru_step(X_t, H_prev, params)
    R, Z, C = s["R"], s["Z"], s["H_tilde"]
    # derivative of the sigmoid written from its output, tanh' from its output
    dsig = lambda y: y * (1.0 - y)
    dtanh = lambda y: 1.0 - y * y
    d_C = dH_t * Z
    d_Z = dH_t * C - dH_t * H_prev
    d_Ah = d_C * dtanh(C)
    d_Az = d_Z * dsig(Z)
    d_RH = np.matmul(d_Ah, np.transpose(params["U_h"]))
    d_Ar = d_RH * H_prev * dsig(R)
    gates = {"r": (d_Ar, H_prev), "z": (d_Az, H_prev), "h": (d_Ah, R * H_prev)}
    grads = {}
    dX_t = np.zeros_like(X_t)
    dH_prev = dH_t - dH_t * Z + d_RH * R
    for gate, (dA, inp) in gates.items():
        grads[f"W_{gate}"] = np.matmul(X_t.T, dA)
        grads[f"U_{gate}"] = np.matmul(inp.T, dA)
        b = params[f"b_{gate}"]
        grads[f"b_{gate}"] = dA.sum(axis=0) if np.ndim(b) == 1 else dA.sum(axis=0, keepdims=True)
        dX_t = dX_t + np.matmul(dA, params[f"W_{gate}"].T)
        if gate != "h":
            dH_prev = dH_prev + np.matmul(dA, params[f"U_{gate}"].T)
    return dX_t, dH_prev, grads


def gru_backward(dH, X, H0, params):
    T = len(X)
    H = [H0]
    for t in range(T):
        H.append(gru_step(X[t], H[t], params)["H"])
    dX = [None] * T
    grads = None
    d_next = np.zeros_like(H0)
    t = T - 1
    while t >= 0:
        dX[t], d_next, g = gru_cell_backward(dH[t] + d_next, X[t], H[t], params)
        grads = g if grads is None else {k: grads[k] + g[k] for k in g}
        t -= 1
    return np.stack(dX), d_next, grads


def clip_gradients(grads, max_norm):
    norm = np.sqrt(np.sum([np.sum(v * v) for v in grads.values()]))
    scale = min(1.0, max_norm / norm) if norm > 0 else 1.0
    new = {}
    for k, v in grads.items():
        new[k] = v * scale
    return new
