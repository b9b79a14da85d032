def numerical_gradient(f, x, eps=1e-6):
    grad = np.zeros_like(x, dtype=np.float64)
    flat_grad = grad.reshape(-1)
    for i in range(x.size):
        idx = np.unravel_index(i, x.shape)
        original = float(x[idx])
        x[idx] = original + eps
        f_plus = f(x)
        x[idx] = original - eps
        f_minus = f(x)
        x[idx] = original
        flat_grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def _sigmoid(a):
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1 / (1 + e), e / (1 + e))


def gru_cell_backward(dH_t, X_t, H_prev, params):
    W_r, U_r, b_r = params["W_r"], params["U_r"], params["b_r"]
    W_z, U_z, b_z = params["W_z"], params["U_z"], params["b_z"]
    W_h, U_h, b_h = params["W_h"], params["U_h"], params["b_h"]
    r = _sigmoid(np.dot(X_t, W_r) + np.dot(H_prev, U_r) + b_r)
    z = _sigmoid(np.dot(X_t, W_z) + np.dot(H_prev, U_z) + b_z)
    rh = r * H_prev
    c = np.tanh(np.dot(X_t, W_h) + np.dot(rh, U_h) + b_h)
    da_c = dH_t * z * (1 - c * c)
    da_z = dH_t * (c - H_prev) * z * (1 - z)
    d_rh = np.dot(da_c, U_h.T)
    da_r = d_rh * H_prev * r * (1 - r)
    dX_t = np.dot(da_r, W_r.T) + np.dot(da_z, W_z.T) + np.dot(da_c, W_h.T)
    dH_prev = dH_t * (1 - z) + d_rh * r + np.dot(da_r, U_r.T) + np.dot(da_z, U_z.T)
    grads = dict(
        W_r=np.dot(X_t.T, da_r), U_r=np.dot(H_prev.T, da_r), b_r=np.sum(da_r, axis=0).reshape(np.shape(b_r)),
        W_z=np.dot(X_t.T, da_z), U_z=np.dot(H_prev.T, da_z), b_z=np.sum(da_z, axis=0).reshape(np.shape(b_z)),
        W_h=np.dot(X_t.T, da_c), U_h=np.dot(rh.T, da_c), b_h=np.sum(da_c, axis=0).reshape(np.shape(b_h)),
    )
    return dX_t, dH_prev, grads


def gru_backward(dH, X, H0, params):
    # everything inline: forward with stored intermediates, then one backward loop
    P = params
    T = X.shape[0]
    Hs, Rs, Zs, Cs = [H0], [], [], []
    for t in range(T):
        Hp = Hs[-1]
        r = _sigmoid(X[t] @ P["W_r"] + Hp @ P["U_r"] + P["b_r"])
        z = _sigmoid(X[t] @ P["W_z"] + Hp @ P["U_z"] + P["b_z"])
        c = np.tanh(X[t] @ P["W_h"] + (r * Hp) @ P["U_h"] + P["b_h"])
        Rs.append(r); Zs.append(z); Cs.append(c)
        Hs.append((1 - z) * Hp + z * c)
    dX = np.zeros_like(X)
    g = {k: np.zeros_like(v) for k, v in P.items()}
    dh = np.zeros_like(H0)
    for t in reversed(range(T)):
        G = dH[t] + dh
        Hp, r, z, c = Hs[t], Rs[t], Zs[t], Cs[t]
        da_c = G * z * (1 - c ** 2)
        da_z = G * (c - Hp) * z * (1 - z)
        drh = da_c @ P["U_h"].T
        da_r = drh * Hp * r * (1 - r)
        dX[t] = da_r @ P["W_r"].T + da_z @ P["W_z"].T + da_c @ P["W_h"].T
        dh = G * (1 - z) + drh * r + da_r @ P["U_r"].T + da_z @ P["U_z"].T
        g["W_r"] += X[t].T @ da_r
        g["W_z"] += X[t].T @ da_z
        g["W_h"] += X[t].T @ da_c
        g["U_r"] += Hp.T @ da_r
        g["U_z"] += Hp.T @ da_z
        g["U_h"] += (r * Hp).T @ da_c
        g["b_r"] += da_r.sum(axis=0).reshape(g["b_r"].shape)
        g["b_z"] += da_z.sum(axis=0).reshape(g["b_z"].shape)
        g["b_h"] += da_c.sum(axis=0).reshape(g["b_h"].shape)
    return dX, dh, g


def clip_gradients(grads, max_norm):
    sq = 0.0
    for v in grads.values():
        sq += float(np.sum(np.square(v)))
    norm = sq ** 0.5
    if norm <= max_norm:
        return dict(grads)
    return {k: v * (max_norm / norm) for k, v in grads.items()}
