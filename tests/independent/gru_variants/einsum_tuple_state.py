def sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=float)))


def _row(b):
    return np.reshape(b, (1, -1))


def _gates(Xt, H, p):
    R = sigmoid(np.einsum("nd,dh->nh", Xt, p["W_r"]) + np.einsum("nk,kh->nh", H, p["U_r"]) + _row(p["b_r"]))
    Z = sigmoid(np.einsum("nd,dh->nh", Xt, p["W_z"]) + np.einsum("nk,kh->nh", H, p["U_z"]) + _row(p["b_z"]))
    C = np.tanh(np.einsum("nd,dh->nh", Xt, p["W_h"]) + np.einsum("nk,kh->nh", R * H, p["U_h"]) + _row(p["b_h"]))
    return R, Z, C


def gru_forward(X, H0, params):
    out = np.empty((X.shape[0],) + H0.shape)
    H = H0
    for t in range(X.shape[0]):
        _, Z, C = _gates(X[t], H, params)
        H = out[t] = H + Z * (C - H)
    return out


def gru_backward(dH, X, H0, params):
    p = params
    Hall = np.concatenate([H0[None], gru_forward(X, H0, p)])
    dX = np.empty(X.shape)
    acc = {k: np.zeros((np.shape(v)[0], np.shape(v)[-1])) if k[0] != "b" else np.zeros((1, np.size(v)))
           for k, v in p.items()}
    G_next = np.zeros(H0.shape)
    for t in range(X.shape[0] - 1, -1, -1):
        Hp = Hall[t]
        R, Z, C = _gates(X[t], Hp, p)
        G = dH[t] + G_next
        dAh = np.einsum("nh,nh,nh->nh", G, Z, 1 - C ** 2)
        dAz = np.einsum("nh,nh,nh->nh", G, C - Hp, Z * (1 - Z))
        dRH = np.einsum("nj,kj->nk", dAh, p["U_h"])
        dAr = np.einsum("nh,nh,nh->nh", dRH, Hp, R * (1 - R))
        dX[t] = sum(np.einsum("nh,dh->nd", dA, p["W_" + k]) for k, dA in (("r", dAr), ("z", dAz), ("h", dAh)))
        G_next = G * (1 - Z) + dRH * R + np.einsum("nh,kh->nk", dAr, p["U_r"]) + np.einsum("nh,kh->nk", dAz, p["U_z"])
        for k, dA, inp in (("r", dAr, Hp), ("z", dAz, Hp), ("h", dAh, R * Hp)):
            acc["W_" + k] += np.einsum("nd,nh->dh", X[t], dA)
            acc["U_" + k] += np.einsum("nk,nh->kh", inp, dA)
            acc["b_" + k] += np.einsum("nh->h", dA)[None]
    grads = {k: acc[k].reshape(np.shape(p[k])) for k in p}
    return dX, G_next, grads


def torch_gru_forward(X, H0, weights):
    W_ih, W_hh = weights["weight_ih_l0"], weights["weight_hh_l0"]
    b_ih, b_hh = _row(weights["bias_ih_l0"]), _row(weights["bias_hh_l0"])
    h = W_hh.shape[1]
    gi_all = np.einsum("tnd,gd->tng", X, W_ih) + b_ih
    H, out = H0, np.empty((X.shape[0],) + H0.shape)
    for t in range(X.shape[0]):
        gh = np.einsum("nk,gk->ng", H, W_hh) + b_hh
        gi = gi_all[t]
        r = sigmoid(gi[:, :h] + gh[:, :h])
        z = sigmoid(gi[:, h:2 * h] + gh[:, h:2 * h])
        n = np.tanh(gi[:, 2 * h:] + r * gh[:, 2 * h:])
        H = out[t] = np.einsum("nh,nh->nh", 1 - z, n) + np.einsum("nh,nh->nh", z, H)
    return out


def chapter_to_torch(params):
    p = params
    h = p["U_r"].shape[0]
    flip = np.concatenate([np.ones(h), -np.ones(h), np.ones(h)])
    W = np.concatenate([p["W_r"], p["W_z"], p["W_h"]], axis=1)
    U = np.concatenate([p["U_r"], p["U_z"], p["U_h"]], axis=1)
    b = np.concatenate([_row(p["b_r"]), _row(p["b_z"]), _row(p["b_h"])], axis=1)[0]
    bias_hh = np.zeros(3 * h)
    # the r and z biases may sit in either vector: put them in bias_hh, b_h stays outside the reset
    bias_hh[:2 * h], b[:2 * h] = b[:2 * h] * flip[:2 * h], 0.0
    return {
        "weight_ih_l0": np.einsum("g,dg->gd", flip, W),
        "weight_hh_l0": np.einsum("g,kg->gk", flip, U),
        "bias_ih_l0": b,
        "bias_hh_l0": bias_hh,
    }


def reset_placement_gap(X, H0, params):
    diff = gru_forward(X, H0, params) - torch_gru_forward(X, H0, chapter_to_torch(params))
    return float(np.abs(diff).max())


def g(x):
    x = np.asarray(x, dtype=float)
    return np.where(x >= 0, np.abs(x) + 0.5, sigmoid(x))


def log_g(x):
    x = np.asarray(x, dtype=float)
    pos = np.log(np.where(x >= 0, x, 0.0) + 0.5)
    # -softplus(-x) = min(x, 0) - log(1 + exp(-|x|))
    neg = np.minimum(x, 0.0) - np.log1p(np.exp(-np.abs(x)))
    return np.where(x >= 0, pos, neg)


def mingru_sequential(X, h0, params):
    Z = sigmoid(np.einsum("tnd,dh->tnh", X, params["W_z"]) + _row(params["b_z"]))
    C = g(np.einsum("tnd,dh->tnh", X, params["W_h"]) + _row(params["b_h"]))
    out, h = np.empty(Z.shape), h0
    for t in range(X.shape[0]):
        h = out[t] = (1 - Z[t]) * h + Z[t] * C[t]
    return out


def _logcumsumexp(a):
    """log(cumsum(exp(a))) along axis 0, one step at a time, shifted by the running maximum."""
    out = np.empty(a.shape)
    acc = a[0]
    out[0] = acc
    for t in range(1, a.shape[0]):
        m = np.maximum(acc, a[t])
        acc = m + np.log(np.exp(acc - m) + np.exp(a[t] - m))
        out[t] = acc
    return out


def parallel_scan_log(log_coeffs, log_values):
    a_star = np.zeros(log_values.shape)
    a_star[1:] = np.cumsum(log_coeffs, axis=0)
    return np.exp(a_star + _logcumsumexp(log_values - a_star))[1:]


def _softplus(x):
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def mingru_parallel(X, h0, params):
    k = np.einsum("tnd,dh->tnh", X, params["W_z"]) + _row(params["b_z"])
    log_tilde_h = log_g(np.einsum("tnd,dh->tnh", X, params["W_h"]) + _row(params["b_h"]))
    log_values = np.concatenate([np.log(h0)[None], -_softplus(-k) + log_tilde_h])
    return parallel_scan_log(-_softplus(k), log_values)


def adding_problem(n, T, seed):
    rng = np.random.default_rng(seed)
    values = rng.uniform(0.0, 1.0, size=(T, n))
    order = np.argsort(rng.random((T, n)), axis=0)
    marks = np.zeros((T, n))
    cols = np.arange(n)
    marks[order[0], cols] = 1.0
    marks[order[1], cols] = 1.0
    X = np.stack([values, marks], axis=-1)
    y = np.einsum("tn,tn->n", values, marks)[:, None]
    return X, y


_GRU_KEYS = ("W_r", "U_r", "b_r", "W_z", "U_z", "b_z", "W_h", "U_h", "b_h")


def mse_loss_and_grads(params, X, y):
    gru = {k: params[k] for k in _GRU_KEYS}
    H0 = np.zeros((X.shape[1], params["W_y"].shape[0]))
    H_T = gru_forward(X, H0, gru)[-1]
    err = np.einsum("nh,ho->no", H_T, params["W_y"]) + _row(params["b_y"]) - y
    loss = np.einsum("no,no->", err, err) / err.shape[0]
    d_out = 2.0 * err / err.shape[0]
    dH = np.zeros((X.shape[0],) + H0.shape)
    dH[-1] = np.einsum("no,ho->nh", d_out, params["W_y"])
    grads = gru_backward(dH, X, H0, gru)[2]
    grads["W_y"] = np.einsum("nh,no->ho", H_T, d_out)
    grads["b_y"] = np.einsum("no->o", d_out).reshape(np.shape(params["b_y"]))
    return float(loss), grads


def adam_init(params):
    keys = sorted(params)
    return (0, [np.zeros(np.shape(params[k])) for k in keys], [np.zeros(np.shape(params[k])) for k in keys])


def adam_step(params, grads, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t, ms, vs = state
    t = int(t) + 1
    keys = sorted(params)
    ms = [beta1 * m + (1 - beta1) * grads[k] for m, k in zip(ms, keys)]
    vs = [beta2 * v + (1 - beta2) * np.einsum("...,...->...", grads[k], grads[k]) for v, k in zip(vs, keys)]
    new = {}
    for k, m, v in zip(keys, ms, vs):
        new[k] = params[k] - lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
    return new, (t, ms, vs)


def train_adding(params, X, y, steps, lr=0.01, batch_size=32, seed=0):
    rng = np.random.default_rng(seed)
    N = X.shape[1]
    state = adam_init(params)
    losses, order = [], np.empty(0, dtype=int)
    for _ in range(steps):
        if order.size < batch_size:
            order = np.concatenate([order, rng.permutation(N)])
        batch, order = order[:batch_size], order[batch_size:]
        loss, grads = mse_loss_and_grads(params, X[:, batch], y[batch])
        params, state = adam_step(params, grads, state, lr)
        losses.append(loss)
    return params, losses


def param_counts(d, h):
    per_block = np.einsum("i->", np.array([d * h, h * h, h]))
    return {"rnn": int(per_block), "gru": int(3 * per_block), "lstm": int(4 * per_block)}


def plot_param_counts():
    import matplotlib.pyplot as plt

    hs = np.arange(4, 513, 4)
    fig, ax = plt.subplots()
    for name, style in (("rnn", ":"), ("gru", "-"), ("lstm", "--")):
        ax.semilogy(hs, [param_counts(32, int(h))[name] for h in hs], style, label=name)
    ax.set(xlabel="h", ylabel="parameters", title="one layer, d = 32")
    ax.legend()


plot_param_counts()
