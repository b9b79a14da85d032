def sigmoid(x):
    x = np.asarray(x, dtype=np.float64)
    z = np.exp(np.where(x < 0, x, -x))  # exp(-|x|)
    return np.where(x < 0, z / (1 + z), 1 / (1 + z))


GATES = ("r", "z", "h")


def _states_and_gates(X, H0, p):
    """Hidden states (T + 1, n, h) and per-step R, Z, H_tilde (T, n, h); input projections batched over time."""
    b = {k: np.reshape(p["b_" + k], (1, 1, -1)) for k in GATES}
    proj = {k: np.tensordot(X, p["W_" + k], axes=(2, 0)) + b[k] for k in GATES}
    T = X.shape[0]
    H = np.zeros((T + 1,) + H0.shape)
    R, Z, C = (np.zeros((T,) + H0.shape) for _ in range(3))
    H[0] = H0
    for t in range(T):
        R[t] = sigmoid(proj["r"][t] + H[t] @ p["U_r"])
        Z[t] = sigmoid(proj["z"][t] + H[t] @ p["U_z"])
        C[t] = np.tanh(proj["h"][t] + (R[t] * H[t]) @ p["U_h"])
        H[t + 1] = Z[t] * C[t] + (1 - Z[t]) * H[t]
    return H, R, Z, C


def gru_forward(X, H0, params):
    return _states_and_gates(X, H0, params)[0][1:]


def gru_backward(dH, X, H0, params):
    p = params
    H, R, Z, C = _states_and_gates(X, H0, p)
    Hp = H[:-1]
    dA = {k: np.zeros(Z.shape) for k in GATES}
    G = np.zeros(H0.shape)
    for t in range(X.shape[0] - 1, -1, -1):
        G = G + dH[t]
        dA["h"][t] = G * Z[t] * (1 - np.square(C[t]))
        dA["z"][t] = G * (C[t] - Hp[t]) * Z[t] * (1 - Z[t])
        dRH = dA["h"][t] @ p["U_h"].T
        dA["r"][t] = dRH * Hp[t] * R[t] * (1 - R[t])
        G = G * (1 - Z[t]) + dRH * R[t] + dA["r"][t] @ p["U_r"].T + dA["z"][t] @ p["U_z"].T
    inputs = {"r": Hp, "z": Hp, "h": R * Hp}
    grads = {}
    for k in GATES:
        grads["W_" + k] = np.tensordot(X, dA[k], axes=([0, 1], [0, 1]))
        grads["U_" + k] = np.tensordot(inputs[k], dA[k], axes=([0, 1], [0, 1]))
        grads["b_" + k] = dA[k].sum(axis=(0, 1)).reshape(np.shape(p["b_" + k]))
    dX = sum(np.tensordot(dA[k], p["W_" + k], axes=(2, 1)) for k in GATES)
    return dX, G, grads


def torch_gru_forward(X, H0, weights):
    h = H0.shape[1]
    W_ih, W_hh = weights["weight_ih_l0"], weights["weight_hh_l0"]
    b_ih, b_hh = weights["bias_ih_l0"], weights["bias_hh_l0"]
    gi = np.tensordot(X, W_ih, axes=(2, 1)) + b_ih  # (T, n, 3h), rows r | z | n
    out = np.zeros(X.shape[:2] + (h,))
    H = H0
    for t in range(X.shape[0]):
        gh = np.tensordot(H, W_hh, axes=(1, 1)) + b_hh
        r = sigmoid(gi[t, :, :h] + gh[:, :h])
        z = sigmoid(gi[t, :, h:2 * h] + gh[:, h:2 * h])
        n = np.tanh(gi[t, :, 2 * h:] + r * gh[:, 2 * h:])
        H = out[t] = (1 - z) * n + z * H
    return out


def chapter_to_torch(params):
    out = {"weight_ih_l0": [], "weight_hh_l0": [], "bias_ih_l0": [], "bias_hh_l0": []}
    for k in GATES:
        s = -1.0 if k == "z" else 1.0
        out["weight_ih_l0"].append(s * np.transpose(params["W_" + k]))
        out["weight_hh_l0"].append(s * np.transpose(params["U_" + k]))
        b = s * np.ravel(params["b_" + k])
        # r and z: the bias goes into bias_hh (only b_ih + b_hh counts); b_h must stay out of the reset product
        out["bias_ih_l0"].append(b if k == "h" else np.zeros_like(b))
        out["bias_hh_l0"].append(np.zeros_like(b) if k == "h" else b)
    return {name: np.concatenate(parts, axis=0) for name, parts in out.items()}


def reset_placement_gap(X, H0, params):
    gap = np.abs(gru_forward(X, H0, params) - torch_gru_forward(X, H0, chapter_to_torch(params)))
    return gap.max().item()


def g(x):
    x = np.asarray(x, dtype=np.float64)
    return np.piecewise(x, [x >= 0], [lambda v: v + 0.5, lambda v: sigmoid(v)])


def log_g(x):
    x = np.asarray(x, dtype=np.float64)
    return np.piecewise(x, [x >= 0], [lambda v: np.log(v + 0.5), lambda v: v - np.log1p(np.exp(v))])


def mingru_sequential(X, h0, params):
    out = np.zeros(X.shape[:2] + (h0.shape[1],))
    h = h0
    for t in range(X.shape[0]):
        z = sigmoid(X[t] @ params["W_z"] + params["b_z"])
        h = out[t] = h + z * (g(X[t] @ params["W_h"] + params["b_h"]) - h)
    return out


def parallel_scan_log(log_coeffs, log_values):
    # time on the last axis, as in Heinsen's reference code
    lc = np.moveaxis(log_coeffs, 0, -1)
    lv = np.moveaxis(log_values, 0, -1)
    a_star = np.pad(np.cumsum(lc, axis=-1), [(0, 0)] * (lc.ndim - 1) + [(1, 0)])
    log_h = a_star + np.logaddexp.accumulate(lv - a_star, axis=-1)
    return np.moveaxis(np.exp(log_h[..., 1:]), -1, 0)


def mingru_parallel(X, h0, params):
    k = np.tensordot(X, params["W_z"], axes=(2, 0)) + params["b_z"]
    log_z = np.where(k >= 0, -np.log1p(np.exp(-np.abs(k))), k - np.log1p(np.exp(-np.abs(k))))
    log_one_minus_z = log_z - k
    log_tilde_h = log_g(np.tensordot(X, params["W_h"], axes=(2, 0)) + params["b_h"])
    log_values = np.concatenate([np.log(h0)[np.newaxis], log_z + log_tilde_h], axis=0)
    return parallel_scan_log(log_one_minus_z, log_values)


def adding_problem(n, T, seed):
    rng = np.random.default_rng(seed)
    X = np.empty((T, n, 2))
    X[:, :, 0] = rng.uniform(size=(T, n))
    two = np.argpartition(rng.random((T, n)), 2, axis=0)[:2]  # the two smallest keys: distinct steps
    X[:, :, 1] = 0.0
    np.put_along_axis(X[:, :, 1], two, 1.0, axis=0)
    y = np.take_along_axis(X[:, :, 0], two, axis=0).sum(axis=0)[:, None]
    return X, y


def mse_loss_and_grads(params, X, y):
    gru = {k: params[k] for k in params if k[-1] in GATES}  # W_y and b_y end in "y"
    n = X.shape[1]
    H0 = np.zeros((n, len(params["W_y"])))
    H_T = gru_forward(X, H0, gru)[-1]
    residual = (H_T @ params["W_y"] + params["b_y"]) - y
    g_out = residual * (2.0 / n)
    dH = np.zeros((len(X), n, H0.shape[1]))
    dH[-1] = np.outer(g_out[:, 0], params["W_y"][:, 0])
    _, _, grads = gru_backward(dH, X, H0, gru)
    grads["W_y"] = H_T.T @ g_out
    grads["b_y"] = g_out.sum(0).reshape(np.shape(params["b_y"]))
    return float((residual ** 2).mean()), grads


def adam_init(params):
    names = sorted(params)
    return {"t": 0, "names": names,
            "m": [np.zeros_like(params[k], dtype=np.float64) for k in names],
            "v": [np.zeros_like(params[k], dtype=np.float64) for k in names]}


def adam_step(params, grads, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state["t"] + 1
    # Kingma & Ba's efficient form: alpha_t = lr sqrt(1 - b2^t) / (1 - b1^t), eps_hat = eps sqrt(1 - b2^t)
    root = np.sqrt(1 - beta2 ** t)
    alpha = lr * root / (1 - beta1 ** t)
    new, ms, vs = dict(params), [], []
    for k, m, v in zip(state["names"], state["m"], state["v"]):
        m = beta1 * m + (1 - beta1) * grads[k]
        v = beta2 * v + (1 - beta2) * grads[k] ** 2
        new[k] = params[k] - alpha * m / (np.sqrt(v) + eps * root)
        ms.append(m)
        vs.append(v)
    return new, {"t": t, "names": list(state["names"]), "m": ms, "v": vs}


def train_adding(params, X, y, steps, lr=0.01, batch_size=32, seed=0):
    rng = np.random.default_rng(seed)
    state = adam_init(params)
    losses = np.zeros(steps)
    for i in range(steps):
        batch = rng.choice(X.shape[1], size=min(batch_size, X.shape[1]), replace=False)
        losses[i], grads = mse_loss_and_grads(params, X[:, batch], y[batch])
        params, state = adam_step(params, grads, state, lr=lr)
    return params, losses


def param_counts(d, h):
    shapes = {"W": (d, h), "U": (h, h), "b": (h,)}
    block = sum(int(np.prod(s)) for s in shapes.values())
    return dict(rnn=block, gru=3 * block, lstm=4 * block)


def plot_param_counts():
    import matplotlib.pyplot as plt

    d, sizes = 20, np.linspace(10, 400, 40).astype(int)
    table = np.array([[param_counts(d, int(h))[k] for k in ("rnn", "gru", "lstm")] for h in sizes])
    plt.figure()
    plt.plot(sizes, table, label=["RNN", "GRU", "LSTM"])
    plt.xlabel("hidden size h")
    plt.ylabel(f"parameters per layer (d = {d})")
    plt.legend()


plot_param_counts()
