import math


def sigmoid(x):
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    out[~pos] = e / (1.0 + e)
    return out


def gru_forward(X, H0, params):
    p = params
    H = H0
    states = []
    for t in range(X.shape[0]):
        R = sigmoid(X[t] @ p["W_r"] + H @ p["U_r"] + p["b_r"])
        Z = sigmoid(X[t] @ p["W_z"] + H @ p["U_z"] + p["b_z"])
        C = np.tanh(X[t] @ p["W_h"] + (R * H) @ p["U_h"] + p["b_h"])
        H = (1 - Z) * H + Z * C
        states.append(H)
    return np.array(states)


def gru_backward(dH, X, H0, params):
    p = params
    T = X.shape[0]
    Hs = [H0] + list(gru_forward(X, H0, p))
    grads = {k: np.zeros_like(v, dtype=float) for k, v in p.items()}
    dX = np.zeros_like(X, dtype=float)
    carry = np.zeros_like(H0, dtype=float)
    for t in reversed(range(T)):
        H_prev = Hs[t]
        R = sigmoid(X[t] @ p["W_r"] + H_prev @ p["U_r"] + p["b_r"])
        Z = sigmoid(X[t] @ p["W_z"] + H_prev @ p["U_z"] + p["b_z"])
        C = np.tanh(X[t] @ p["W_h"] + (R * H_prev) @ p["U_h"] + p["b_h"])
        G = dH[t] + carry
        dAh = G * Z * (1 - C * C)
        dAz = G * (C - H_prev) * Z * (1 - Z)
        dRH = dAh @ p["U_h"].T
        dAr = dRH * H_prev * R * (1 - R)
        dX[t] = dAr @ p["W_r"].T + dAz @ p["W_z"].T + dAh @ p["W_h"].T
        carry = G * (1 - Z) + dRH * R + dAr @ p["U_r"].T + dAz @ p["U_z"].T
        for gate, dA, inp in (("r", dAr, H_prev), ("z", dAz, H_prev), ("h", dAh, R * H_prev)):
            grads["W_" + gate] += X[t].T @ dA
            grads["U_" + gate] += inp.T @ dA
            grads["b_" + gate] += dA.sum(axis=0).reshape(np.shape(p["b_" + gate]))
    return dX, carry, grads


def torch_gru_forward(X, H0, weights):
    W_ih, W_hh = weights["weight_ih_l0"], weights["weight_hh_l0"]
    b_ih, b_hh = weights["bias_ih_l0"], weights["bias_hh_l0"]
    hsz = W_hh.shape[1]
    blocks = {}
    for i, name in enumerate("rzn"):
        rows = slice(i * hsz, (i + 1) * hsz)
        blocks[name] = (W_ih[rows], W_hh[rows], b_ih[rows], b_hh[rows])
    h = H0
    out = []
    for t in range(X.shape[0]):
        x = X[t]
        gates = {}
        for name in "rz":
            Wi, Wh, bi, bh = blocks[name]
            gates[name] = sigmoid(x @ Wi.T + bi + h @ Wh.T + bh)
        Wi, Wh, bi, bh = blocks["n"]
        n = np.tanh(x @ Wi.T + bi + gates["r"] * (h @ Wh.T + bh))
        h = (1 - gates["z"]) * n + gates["z"] * h
        out.append(h)
    return np.array(out)


def chapter_to_torch(params):
    sign = {"r": 1.0, "z": -1.0, "h": 1.0}
    w_ih, w_hh, b_ih = [], [], []
    for gate in "rzh":
        w_ih.append(sign[gate] * params["W_" + gate].T)
        w_hh.append(sign[gate] * params["U_" + gate].T)
        b_ih.append(sign[gate] * np.ravel(params["b_" + gate]))
    b_ih = np.concatenate(b_ih)
    return {
        "weight_ih_l0": np.vstack(w_ih),
        "weight_hh_l0": np.vstack(w_hh),
        "bias_ih_l0": b_ih,
        "bias_hh_l0": np.zeros_like(b_ih),
    }


def reset_placement_gap(X, H0, params):
    ours = gru_forward(X, H0, params)
    theirs = torch_gru_forward(X, H0, chapter_to_torch(params))
    return float(np.max(np.abs(ours - theirs)))


def g(x):
    x = np.asarray(x, dtype=float)
    out = np.empty(x.shape)
    for i, v in np.ndenumerate(x):
        out[i] = v + 0.5 if v >= 0 else math.exp(v) / (1.0 + math.exp(v))
    return out


def log_g(x):
    x = np.asarray(x, dtype=float)
    out = np.empty(x.shape)
    for i, v in np.ndenumerate(x):
        out[i] = math.log(v + 0.5) if v >= 0 else v - math.log1p(math.exp(v))
    return out


def mingru_sequential(X, h0, params):
    h = h0
    states = []
    for t in range(X.shape[0]):
        z = sigmoid(X[t] @ params["W_z"] + params["b_z"])
        h_tilde = g(X[t] @ params["W_h"] + params["b_h"])
        h = (1 - z) * h + z * h_tilde
        states.append(h)
    return np.array(states)


def parallel_scan_log(log_coeffs, log_values):
    a_star = np.cumsum(log_coeffs, axis=0)
    a_star = np.concatenate([np.zeros_like(a_star[:1]), a_star], axis=0)
    log_h = a_star + np.logaddexp.accumulate(log_values - a_star, axis=0)
    return np.exp(log_h)[1:]


def mingru_parallel(X, h0, params):
    k = X @ params["W_z"] + params["b_z"]
    log_coeffs = -np.logaddexp(0, k)
    log_z = -np.logaddexp(0, -k)
    log_tilde_h = log_g(X @ params["W_h"] + params["b_h"])
    log_values = np.concatenate([np.log(h0)[None], log_z + log_tilde_h], axis=0)
    return parallel_scan_log(log_coeffs, log_values)


def adding_problem(n, T, seed):
    rng = np.random.default_rng(seed)
    X = np.zeros((T, n, 2))
    X[:, :, 0] = rng.random((T, n))
    y = np.zeros((n, 1))
    for i in range(n):
        first, second = rng.choice(T, size=2, replace=False)
        X[first, i, 1] = 1.0
        X[second, i, 1] = 1.0
        y[i, 0] = X[first, i, 0] + X[second, i, 0]
    return X, y


def mse_loss_and_grads(params, X, y):
    gru = {k: params[k] for k in ("W_r", "U_r", "b_r", "W_z", "U_z", "b_z", "W_h", "U_h", "b_h")}
    n = X.shape[1]
    H0 = np.zeros((n, params["U_r"].shape[0]))
    H = gru_forward(X, H0, gru)
    y_hat = H[-1] @ params["W_y"] + params["b_y"]
    diff = y_hat - y
    loss = float(np.mean(diff ** 2))
    d_yhat = 2 * diff / diff.size
    dH = np.zeros_like(H)
    dH[-1] = d_yhat @ params["W_y"].T
    _, _, grads = gru_backward(dH, X, H0, gru)
    grads["W_y"] = H[-1].T @ d_yhat
    grads["b_y"] = d_yhat.sum(axis=0).reshape(np.shape(params["b_y"]))
    return loss, grads


def adam_init(params):
    return {
        "t": 0,
        "m": {k: np.zeros_like(v, dtype=float) for k, v in params.items()},
        "v": {k: np.zeros_like(v, dtype=float) for k, v in params.items()},
    }


def adam_step(params, grads, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = int(state["t"]) + 1
    new_params, new_m, new_v = {}, {}, {}
    for k in params:
        new_m[k] = beta1 * state["m"][k] + (1 - beta1) * grads[k]
        new_v[k] = beta2 * state["v"][k] + (1 - beta2) * grads[k] ** 2
        m_hat = new_m[k] / (1 - beta1 ** t)
        v_hat = new_v[k] / (1 - beta2 ** t)
        new_params[k] = params[k] - lr * m_hat / (np.sqrt(v_hat) + eps)
    return new_params, {"t": t, "m": new_m, "v": new_v}


def train_adding(params, X, y, steps, lr=0.01, batch_size=32, seed=0):
    rng = np.random.default_rng(seed)
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    state = adam_init(params)
    losses = []
    for _ in range(steps):
        idx = rng.integers(0, X.shape[1], size=batch_size)
        loss, grads = mse_loss_and_grads(params, X[:, idx], y[idx])
        params, state = adam_step(params, grads, state, lr=lr)
        losses.append(loss)
    return params, losses


def param_counts(d, h):
    counts = {}
    for name, blocks in (("rnn", 1), ("gru", 3), ("lstm", 4)):
        counts[name] = blocks * (d * h + h * h + h)
    return counts


def plot_param_counts():
    import matplotlib.pyplot as plt

    sizes = list(range(8, 257, 8))
    for name in ("rnn", "gru", "lstm"):
        plt.plot(sizes, [param_counts(10, h)[name] for h in sizes], label=name.upper())
    plt.xlabel("hidden size h")
    plt.ylabel("parameters (d = 10)")
    plt.legend()


plot_param_counts()
