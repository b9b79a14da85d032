def sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(np.asarray(x) >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _stack(p):
    """[W_r | W_z | W_h] (d, 3h), [U_r | U_z] (h, 2h), U_h, flat biases (3h,)."""
    W = np.hstack([p["W_r"], p["W_z"], p["W_h"]])
    U_rz = np.hstack([p["U_r"], p["U_z"]])
    b = np.concatenate([np.ravel(p["b_r"]), np.ravel(p["b_z"]), np.ravel(p["b_h"])])
    return W, U_rz, p["U_h"], b


def _run(X, H0, p):
    """States (T + 1, n, h) from H0 on, and gates (T, n, 3h) = [R | Z | H_tilde]."""
    W, U_rz, U_h, b = _stack(p)
    h = H0.shape[1]
    XW = X @ W + b
    Hs = np.empty((X.shape[0] + 1,) + H0.shape)
    gates = np.empty(XW.shape)
    Hs[0] = H0
    for t in range(X.shape[0]):
        H = Hs[t]
        RZ = sigmoid(XW[t, :, :2 * h] + H @ U_rz)
        R, Z = RZ[:, :h], RZ[:, h:]
        C = np.tanh(XW[t, :, 2 * h:] + (R * H) @ U_h)
        gates[t] = np.hstack([RZ, C])
        Hs[t + 1] = (1 - Z) * H + Z * C
    return Hs, gates


def gru_forward(X, H0, params):
    return _run(X, H0, params)[0][1:]


def gru_backward(dH, X, H0, params):
    W, U_rz, U_h, _ = _stack(params)
    h = H0.shape[1]
    Hs, gates = _run(X, H0, params)
    dA = np.empty(gates.shape)  # pre-activation gradients [dA_r | dA_z | dA_h]
    carry = np.zeros(H0.shape)
    for t in range(X.shape[0] - 1, -1, -1):
        R, Z, C = gates[t, :, :h], gates[t, :, h:2 * h], gates[t, :, 2 * h:]
        H = Hs[t]
        G = dH[t] + carry
        dA[t, :, 2 * h:] = G * Z * (1 - C ** 2)
        dA[t, :, h:2 * h] = G * (C - H) * Z * (1 - Z)
        dRH = dA[t, :, 2 * h:] @ U_h.T
        dA[t, :, :h] = dRH * H * R * (1 - R)
        carry = G * (1 - Z) + dRH * R + dA[t, :, :2 * h] @ U_rz.T
    dX = dA @ W.T
    flatX, flatA = X.reshape(-1, X.shape[2]), dA.reshape(-1, 3 * h)
    dW = flatX.T @ flatA
    dU_rz = Hs[:-1].reshape(-1, h).T @ flatA[:, :2 * h]
    dU_h = (gates[..., :h] * Hs[:-1]).reshape(-1, h).T @ flatA[:, 2 * h:]
    db = flatA.sum(axis=0)
    grads = {}
    for i, k in enumerate("rzh"):
        cols = slice(i * h, (i + 1) * h)
        grads["W_" + k] = dW[:, cols]
        grads["b_" + k] = db[cols].reshape(np.shape(params["b_" + k]))
    grads["U_r"], grads["U_z"], grads["U_h"] = dU_rz[:, :h], dU_rz[:, h:], dU_h
    return dX, carry, grads


def torch_gru_forward(X, H0, weights):
    W_ih, W_hh = weights["weight_ih_l0"], weights["weight_hh_l0"]
    b_ih, b_hh = weights["bias_ih_l0"], weights["bias_hh_l0"]
    gi = X @ W_ih.T + b_ih
    W_ir, W_iz, W_in = np.split(gi, 3, axis=-1)
    states = []
    H = H0
    for t in range(X.shape[0]):
        gh = H @ W_hh.T + b_hh
        h_r, h_z, h_n = np.split(gh, 3, axis=-1)
        r = sigmoid(W_ir[t] + h_r)
        z = sigmoid(W_iz[t] + h_z)
        n = np.tanh(W_in[t] + r * h_n)
        H = n + z * (H - n)
        states.append(H)
    return np.stack(states)


def chapter_to_torch(params):
    W, U_rz, U_h, b = _stack(params)
    h = U_h.shape[0]
    sign = np.repeat([1.0, -1.0, 1.0], h)
    return {
        "weight_ih_l0": (W * sign).T.copy(),
        "weight_hh_l0": np.vstack([(U_rz * sign[:2 * h]).T, U_h.T]),
        "bias_ih_l0": b * sign,
        "bias_hh_l0": np.zeros(3 * h),
    }


def reset_placement_gap(X, H0, params):
    return float(np.max(np.abs(gru_forward(X, H0, params) - torch_gru_forward(X, H0, chapter_to_torch(params)))))


def g(x):
    x = np.asarray(x, dtype=np.float64)
    out = sigmoid(x)
    nonneg = x >= 0
    out[nonneg] = x[nonneg] + 0.5
    return out


def log_g(x):
    x = np.asarray(x, dtype=np.float64)
    out = -np.logaddexp(0.0, -x)
    nonneg = x >= 0
    out[nonneg] = np.log(x[nonneg] + 0.5)
    return out


def mingru_sequential(X, h0, params):
    Z = sigmoid(X @ params["W_z"] + np.ravel(params["b_z"]))
    C = g(X @ params["W_h"] + np.ravel(params["b_h"]))
    h = h0
    out = []
    for z, c in zip(Z, C):
        h = (1 - z) * h + z * c
        out.append(h)
    return np.stack(out)


def parallel_scan_log(log_coeffs, log_values):
    a_star = np.concatenate([np.zeros((1,) + log_coeffs.shape[1:]), np.cumsum(log_coeffs, axis=0)])
    log_h = a_star + np.logaddexp.accumulate(log_values - a_star, axis=0)
    return np.exp(log_h[1:])


def mingru_parallel(X, h0, params):
    k = X @ params["W_z"] + np.ravel(params["b_z"])
    pre = X @ params["W_h"] + np.ravel(params["b_h"])
    log_values = np.concatenate([np.log(h0)[None], -np.logaddexp(0.0, -k) + log_g(pre)])
    return parallel_scan_log(-np.logaddexp(0.0, k), log_values)


def adding_problem(n, T, seed):
    rng = np.random.default_rng(seed)
    X = np.zeros((T, n, 2))
    X[..., 0] = rng.random((T, n))
    first = rng.integers(0, T, size=n)
    second = (first + rng.integers(1, T, size=n)) % T
    rows = np.arange(n)
    X[first, rows, 1] = 1.0
    X[second, rows, 1] = 1.0
    y = (X[first, rows, 0] + X[second, rows, 0]).reshape(n, 1)
    return X, y


def mse_loss_and_grads(params, X, y):
    gru = {k: v for k, v in params.items() if k not in ("W_y", "b_y")}
    n, h = X.shape[1], params["W_y"].shape[0]
    H = gru_forward(X, np.zeros((n, h)), gru)
    y_hat = H[-1] @ params["W_y"] + params["b_y"]
    r = y_hat - y
    dy = (2.0 / n) * r
    dH = np.zeros(H.shape)
    dH[-1] = dy @ params["W_y"].T
    grads = dict(gru_backward(dH, X, np.zeros((n, h)), gru)[2])
    grads["W_y"] = H[-1].T @ dy
    grads["b_y"] = np.sum(dy, axis=0).reshape(np.shape(params["b_y"]))
    return float(np.sum(r * r) / n), grads


def adam_init(params):
    zeros = lambda: {k: np.zeros(np.shape(v)) for k, v in params.items()}
    return [0, zeros(), zeros()]


def adam_step(params, grads, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t, m, v = state
    t += 1
    m = {k: beta1 * m[k] + (1 - beta1) * grads[k] for k in params}
    v = {k: beta2 * v[k] + (1 - beta2) * np.square(grads[k]) for k in params}
    c1, c2 = 1 - beta1 ** t, 1 - beta2 ** t
    new = {k: params[k] - lr * (m[k] / c1) / (np.sqrt(v[k] / c2) + eps) for k in params}
    return new, [t, m, v]


def _clip(grads, max_norm):
    norm = np.sqrt(sum(np.sum(np.square(gr)) for gr in grads.values()))
    scale = min(1.0, max_norm / (norm + 1e-6))
    return {k: gr * scale for k, gr in grads.items()}


def train_adding(params, X, y, steps, lr=0.01, batch_size=32, seed=0):
    rng = np.random.default_rng(seed)
    state = adam_init(params)
    losses = []
    for _ in range(steps):
        pick = rng.choice(X.shape[1], size=batch_size, replace=True)
        loss, grads = mse_loss_and_grads(params, X[:, pick, :], y[pick, :])
        params, state = adam_step(params, _clip(grads, 1.0), state, lr=lr)
        losses.append(loss)
    return params, losses


def param_counts(d, h):
    rnn = h * (d + h + 1)
    return {"rnn": rnn, "gru": 3 * rnn, "lstm": 4 * rnn}


def plot_param_counts():
    import matplotlib.pyplot as plt

    h = np.arange(1, 129)
    counts = [param_counts(16, int(k)) for k in h]
    fig, ax = plt.subplots(figsize=(5, 3))
    ax.stackplot(h, [[c["rnn"] for c in counts], [c["gru"] - c["rnn"] for c in counts],
                     [c["lstm"] - c["gru"] for c in counts]], labels=["RNN", "GRU extra", "LSTM extra"])
    ax.set_xlabel("hidden size")
    ax.legend(loc="upper left")


plot_param_counts()
