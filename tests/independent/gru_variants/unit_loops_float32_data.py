def sigmoid(x):
    # exp of a clipped argument cannot overflow; sigmoid(±500) is 0 or 1 to double precision anyway
    return 1.0 / (1.0 + np.exp(-np.clip(x, -500.0, 500.0)))


def _step(X_t, H, p):
    R = sigmoid(X_t @ p["W_r"] + H @ p["U_r"] + np.reshape(p["b_r"], (1, -1)))
    Z = sigmoid(X_t @ p["W_z"] + H @ p["U_z"] + np.reshape(p["b_z"], (1, -1)))
    C = np.tanh(X_t @ p["W_h"] + (R * H) @ p["U_h"] + np.reshape(p["b_h"], (1, -1)))
    return R, Z, C


def gru_forward(X, H0, params):
    H, out = H0, []
    for X_t in X:
        _, Z, C = _step(X_t, H, params)
        H = Z * C + H - Z * H
        out.append(H)
    return np.stack(out)


def gru_backward(dH, X, H0, params):
    p = params
    prev = np.concatenate([H0[None], gru_forward(X, H0, p)[:-1]])
    grads = {k: np.zeros(np.shape(v)) for k, v in p.items()}
    dX = np.zeros(X.shape)
    G = np.zeros(H0.shape)
    for t in range(len(X) - 1, -1, -1):
        R, Z, C = _step(X[t], prev[t], p)  # recomputed, nothing cached
        G = G + dH[t]
        back = {"h": G * Z * (1 - C ** 2), "z": G * (C - prev[t]) * Z * (1 - Z)}
        dRH = back["h"] @ p["U_h"].T
        back["r"] = dRH * prev[t] * R * (1 - R)
        for k, dA in back.items():
            grads["W_" + k] += X[t].T @ dA
            grads["U_" + k] += (R * prev[t] if k == "h" else prev[t]).T @ dA
            grads["b_" + k] += np.sum(dA, axis=0).reshape(np.shape(p["b_" + k]))
            dX[t] += dA @ p["W_" + k].T
        G = G * (1 - Z) + dRH * R + back["r"] @ p["U_r"].T + back["z"] @ p["U_z"].T
    return dX, G, grads


def torch_gru_forward(X, H0, weights):
    W_ih, W_hh = weights["weight_ih_l0"], weights["weight_hh_l0"]
    b_ih, b_hh = weights["bias_ih_l0"], weights["bias_hh_l0"]
    T, n = X.shape[:2]
    h = H0.shape[1]
    out = np.zeros((T, n, h))
    H = H0
    for t in range(T):
        new = np.zeros((n, h))
        for j in range(h):  # one hidden unit at a time: rows j, h + j, 2h + j
            r = sigmoid(X[t] @ W_ih[j] + b_ih[j] + H @ W_hh[j] + b_hh[j])
            z = sigmoid(X[t] @ W_ih[h + j] + b_ih[h + j] + H @ W_hh[h + j] + b_hh[h + j])
            cand = np.tanh(X[t] @ W_ih[2 * h + j] + b_ih[2 * h + j] + r * (H @ W_hh[2 * h + j] + b_hh[2 * h + j]))
            new[:, j] = (1 - z) * cand + z * H[:, j]
        H = out[t] = new
    return out


def chapter_to_torch(params):
    d, h = params["W_r"].shape
    w_ih, w_hh = np.zeros((3 * h, d)), np.zeros((3 * h, h))
    b_ih, b_hh = np.zeros(3 * h), np.zeros(3 * h)
    for block, (key, sign) in enumerate((("r", 1.0), ("z", -1.0), ("h", 1.0))):
        b = np.ravel(params["b_" + key])
        for j in range(h):
            w_ih[block * h + j] = sign * params["W_" + key][:, j]
            w_hh[block * h + j] = sign * params["U_" + key][:, j]
            b_ih[block * h + j] = sign * b[j]
    return {"weight_ih_l0": w_ih, "weight_hh_l0": w_hh, "bias_ih_l0": b_ih, "bias_hh_l0": b_hh}


def reset_placement_gap(X, H0, params):
    return float(np.amax(np.abs(np.subtract(gru_forward(X, H0, params),
                                            torch_gru_forward(X, H0, chapter_to_torch(params))))))


def g(x):
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = x[pos] + 0.5
    out[~pos] = sigmoid(x[~pos])
    return out


def log_g(x):
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = np.log(x[pos] + 0.5)
    out[~pos] = x[~pos] - np.log1p(np.exp(x[~pos]))  # -log(1 + exp(-x)) for x < 0
    return out


def mingru_sequential(X, h0, params):
    Z = sigmoid(X @ params["W_z"] + params["b_z"])
    C = g(X @ params["W_h"] + params["b_h"])
    out = np.empty(Z.shape)
    h = np.array(h0, dtype=np.float64)
    for t in range(len(X)):
        for j in range(h.shape[1]):
            h[:, j] = (1 - Z[t, :, j]) * h[:, j] + Z[t, :, j] * C[t, :, j]
        out[t] = h
    return out


def parallel_scan_log(log_coeffs, log_values):
    a_star = np.zeros_like(log_values)
    np.cumsum(log_coeffs, axis=0, out=a_star[1:])
    log_h = a_star + np.logaddexp.accumulate(log_values - a_star, axis=0)
    return np.exp(log_h)[1:]


def mingru_parallel(X, h0, params):
    k = X @ params["W_z"] + params["b_z"]
    log_z = -np.logaddexp(0, -k)
    log_values = np.concatenate([np.log(h0)[None], log_z + log_g(X @ params["W_h"] + params["b_h"])])
    return parallel_scan_log(-np.logaddexp(0, k), log_values)


def adding_problem(n, T, seed):
    rng = np.random.default_rng(seed)
    X = np.zeros((T, n, 2))
    y = np.zeros((n, 1))
    for i in range(n):
        X[:, i, 0] = rng.random(T, dtype=np.float32)  # float32 numbers in [0, 1), exact in float64
        a = b = int(rng.integers(T))
        while b == a:
            b = int(rng.integers(T))
        X[[a, b], i, 1] = 1.0
        y[i] = X[a, i, 0] + X[b, i, 0]
    return X, y


def mse_loss_and_grads(params, X, y):
    gru = {k: params[k] for k in ("W_r", "U_r", "b_r", "W_z", "U_z", "b_z", "W_h", "U_h", "b_h")}
    H0 = np.zeros((X.shape[1], params["U_r"].shape[1]))
    H = gru_forward(X, H0, gru)
    pred = H[-1] @ params["W_y"] + params["b_y"]
    loss = np.mean((pred - y) ** 2)
    d_pred = 2 * (pred - y) / len(y)
    dH = np.zeros_like(H)
    dH[-1] = d_pred @ params["W_y"].T
    grads = gru_backward(dH, X, H0, gru)[2]
    grads["W_y"] = H[-1].T @ d_pred
    grads["b_y"] = np.reshape(d_pred.sum(axis=0), np.shape(params["b_y"]))
    return float(loss), grads


def adam_init(params):
    return (0, {k: [np.zeros(np.shape(v)), np.zeros(np.shape(v))] for k, v in params.items()})


def adam_step(params, grads, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t, moments = int(state[0]) + 1, {}
    new = {}
    for k, (m, v) in state[1].items():
        m = beta1 * np.asarray(m) + (1 - beta1) * grads[k]
        v = beta2 * np.asarray(v) + (1 - beta2) * grads[k] * grads[k]
        moments[k] = [m, v]
        m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
        new[k] = params[k] - lr * m_hat / (v_hat ** 0.5 + eps)
    return new, (t, moments)


def train_adding(params, X, y, steps, lr=0.01, batch_size=32, seed=0):
    rng = np.random.default_rng(seed)
    state = adam_init(params)
    losses = []
    for _ in range(steps):
        rows = rng.integers(X.shape[1], size=batch_size)
        loss, grads = mse_loss_and_grads(params, X[:, rows], y[rows])
        losses.append(loss)
        params, state = adam_step(params, grads, state, lr=lr)
    return params, losses


def param_counts(d, h):
    one_gate = 0
    for shape in ((d, h), (h, h), (h,)):
        size = 1
        for s in shape:
            size *= s
        one_gate += size
    return {"rnn": one_gate, "gru": 3 * one_gate, "lstm": 4 * one_gate}


def plot_param_counts():
    import matplotlib.pyplot as plt

    sizes = [16, 32, 64, 128, 256]
    width = 0.25
    fig, ax = plt.subplots()
    for i, name in enumerate(("rnn", "gru", "lstm")):
        ax.bar([j + (i - 1) * width for j in range(len(sizes))], [param_counts(1, h)[name] for h in sizes],
               width, label=name)
    ax.set_xticks(range(len(sizes)), [str(h) for h in sizes])
    ax.set_xlabel("hidden size (d = 1)")
    ax.legend()


plot_param_counts()
