def numerical_gradient(f, x, eps=1e-6):
    g = np.empty(x.shape)
    for i in range(x.size):
        saved = x.flat[i]
        x.flat[i] = saved + eps
        up = float(f(x))
        x.flat[i] = saved - eps
        down = float(f(x))
        x.flat[i] = saved
        g.flat[i] = (up - down) / (2.0 * eps)
    return g


def _sig(a):
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def _forward_step(X_t, H_prev, p):
    b = {k: np.reshape(p[k], (1, -1)) for k in ("b_r", "b_z", "b_h")}
    R = _sig(np.einsum("nd,dh->nh", X_t, p["W_r"]) + np.einsum("nk,kh->nh", H_prev, p["U_r"]) + b["b_r"])
    Z = _sig(np.einsum("nd,dh->nh", X_t, p["W_z"]) + np.einsum("nk,kh->nh", H_prev, p["U_z"]) + b["b_z"])
    M = R * H_prev
    Hc = np.tanh(np.einsum("nd,dh->nh", X_t, p["W_h"]) + np.einsum("nk,kh->nh", M, p["U_h"]) + b["b_h"])
    H = (1 - Z) * H_prev + Z * Hc
    return H, (X_t, H_prev, R, Z, M, Hc)


def _backward_step(G, cache, p):
    X_t, H_prev, R, Z, M, Hc = cache
    dA_h = G * Z * (1 - Hc * Hc)
    dA_z = G * (Hc - H_prev) * Z * (1 - Z)
    dM = np.einsum("nh,kh->nk", dA_h, p["U_h"])
    dA_r = dM * H_prev * R * (1 - R)
    dX = sum(np.einsum("nh,dh->nd", dA, p[W]) for dA, W in ((dA_r, "W_r"), (dA_z, "W_z"), (dA_h, "W_h")))
    dHp = G * (1 - Z) + dM * R + np.einsum("nh,kh->nk", dA_r, p["U_r"]) + np.einsum("nh,kh->nk", dA_z, p["U_z"])
    grads = {}
    for gate, dA, inp in (("r", dA_r, H_prev), ("z", dA_z, H_prev), ("h", dA_h, M)):
        grads["W_" + gate] = np.einsum("nd,nh->dh", X_t, dA)
        grads["U_" + gate] = np.einsum("nk,nh->kh", inp, dA)
        grads["b_" + gate] = np.einsum("nh->h", dA).reshape(np.shape(p["b_" + gate]))
    return dX, dHp, grads


def gru_cell_backward(dH_t, X_t, H_prev, params):
    _, cache = _forward_step(X_t, H_prev, params)
    return _backward_step(dH_t, cache, params)


def gru_backward(dH, X, H0, params):
    caches = []
    H = H0
    for X_t in X:
        H, c = _forward_step(X_t, H, params)
        caches.append(c)
    dX = np.zeros(X.shape)
    grads = {k: np.zeros(np.shape(v)) for k, v in params.items()}
    dnext = np.zeros(H0.shape)
    for t in range(len(X) - 1, -1, -1):
        dX[t], dnext, g = _backward_step(dH[t] + dnext, caches[t], params)
        for k, v in g.items():
            grads[k] = grads[k] + v
    return dX, dnext, grads


def clip_gradients(grads, max_norm):
    norm = np.sqrt(sum(float(np.vdot(g, g)) for g in grads.values()))
    coef = max_norm / (norm + 1e-6)  # as torch.nn.utils.clip_grad_norm_
    coef = min(coef, 1.0)
    return {k: g * coef for k, g in grads.items()}
