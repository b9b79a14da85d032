from itertools import accumulate


def sigmoid(x):
    # exp(-softplus(-x)): logaddexp never overflows and exp of a non-positive number cannot either
    return np.exp(-np.logaddexp(0.0, -np.asarray(x, dtype=float)))


def _affine(W, U, b):
    return lambda x, hid: x @ W + hid @ U + b


def _cell(params):
    """A GRU step that also returns its own backward function (a tape entry)."""
    pre_r = _affine(params["W_r"], params["U_r"], params["b_r"])
    pre_z = _affine(params["W_z"], params["U_z"], params["b_z"])

    def step(x, hid):
        r, z = sigmoid(pre_r(x, hid)), sigmoid(pre_z(x, hid))
        rh = r * hid
        c = np.tanh(x @ params["W_h"] + rh @ params["U_h"] + params["b_h"])
        new = (1 - z) * hid + z * c

        def back(grad):
            da_h = grad * z * (1 - c * c)
            da_z = grad * (c - hid) * z * (1 - z)
            d_rh = da_h @ params["U_h"].T
            da_r = d_rh * hid * r * (1 - r)
            pieces = {"r": (da_r, hid), "z": (da_z, hid), "h": (da_h, rh)}
            local = {}
            for k, (da, inp) in pieces.items():
                local["W_" + k] = x.T @ da
                local["U_" + k] = inp.T @ da
                local["b_" + k] = np.sum(da, axis=0).reshape(np.shape(params["b_" + k]))
            dx = sum(da @ params["W_" + k].T for k, (da, _) in pieces.items())
            dhid = grad * (1 - z) + d_rh * r + da_r @ params["U_r"].T + da_z @ params["U_z"].T
            return dx, dhid, local

        return new, back

    return step


def _tape(X, H0, params):
    step = _cell(params)
    hid, states, backs = H0, [], []
    for x in X:
        hid, back = step(x, hid)
        states.append(hid)
        backs.append(back)
    return np.array(states), backs


def gru_forward(X, H0, params):
    return _tape(X, H0, params)[0]


def gru_backward(dH, X, H0, params):
    _, backs = _tape(X, H0, params)
    total = {k: np.zeros(np.shape(v)) for k, v in params.items()}
    dX = [None] * len(backs)
    grad = np.zeros(np.shape(H0))
    for t in reversed(range(len(backs))):
        dX[t], grad, local = backs[t](dH[t] + grad)
        total = {k: total[k] + local[k] for k in total}
    return np.array(dX), grad, total


def torch_gru_forward(X, H0, weights):
    blocks = lambda a: np.split(a, 3, axis=0)
    (W_ir, W_iz, W_in), (W_hr, W_hz, W_hn) = blocks(weights["weight_ih_l0"]), blocks(weights["weight_hh_l0"])
    (b_ir, b_iz, b_in), (b_hr, b_hz, b_hn) = blocks(weights["bias_ih_l0"]), blocks(weights["bias_hh_l0"])
    lin = lambda v, W, b: v @ W.T + b

    def step(hid, x):
        r = sigmoid(lin(x, W_ir, b_ir) + lin(hid, W_hr, b_hr))
        z = sigmoid(lin(x, W_iz, b_iz) + lin(hid, W_hz, b_hz))
        n = np.tanh(lin(x, W_in, b_in) + r * lin(hid, W_hn, b_hn))
        return (1 - z) * n + z * hid

    return np.array(list(accumulate(X, step, initial=H0))[1:])


def chapter_to_torch(params):
    signed = {"r": 1.0, "z": -1.0, "h": 1.0}
    col = lambda key: signed[key[-1]] * np.atleast_2d(params[key])
    stack = lambda prefix: np.concatenate([col(prefix + k) for k in "rzh"], axis=1)
    bias = stack("b_").ravel()
    return {
        "weight_ih_l0": stack("W_").T,
        "weight_hh_l0": stack("U_").T,
        "bias_ih_l0": bias,
        "bias_hh_l0": 0.0 * bias,
    }


def reset_placement_gap(X, H0, params):
    ours, theirs = gru_forward(X, H0, params), torch_gru_forward(X, H0, chapter_to_torch(params))
    return float(max(np.abs(ours - theirs).ravel()))


def g(x):
    x = np.asarray(x, dtype=float)
    linear = np.maximum(x, 0.0) + 0.5
    return np.where(x >= 0, linear, sigmoid(x))


def log_g(x):
    x = np.asarray(x, dtype=float)
    return np.where(x >= 0, np.log(np.maximum(x, 0.0) + 0.5), -np.logaddexp(0.0, -x))


def mingru_sequential(X, h0, params):
    gate = lambda x: sigmoid(x @ params["W_z"] + params["b_z"])
    cand = lambda x: g(x @ params["W_h"] + params["b_h"])
    step = lambda hid, x: hid + gate(x) * (cand(x) - hid)
    return np.array(list(accumulate(X, step, initial=h0))[1:])


def _logaddexp_shifted(a, b):
    m = np.maximum(a, b)
    return m + np.log(np.exp(a - m) + np.exp(b - m))


def parallel_scan_log(log_coeffs, log_values):
    zero = np.zeros_like(log_values[:1])
    a_star = np.concatenate([zero, np.cumsum(log_coeffs, axis=0)], axis=0)
    lcse = np.array(list(accumulate(log_values - a_star, _logaddexp_shifted)))
    return np.exp(a_star + lcse)[1:]


def mingru_parallel(X, h0, params):
    softplus = lambda v: np.logaddexp(0.0, v)
    k = X @ params["W_z"] + params["b_z"]
    log_values = np.concatenate([np.log(h0)[None], -softplus(-k) + log_g(X @ params["W_h"] + params["b_h"])])
    return parallel_scan_log(-softplus(k), log_values)


def adding_problem(n, T, seed):
    rng = np.random.default_rng(seed)
    values = rng.random((n, T))
    marks = np.zeros((n, T))
    for row, (i, j) in enumerate(rng.permutation(T)[:2] for _ in range(n)):
        marks[row, [i, j]] = 1.0
    y = np.sum(values * marks, axis=1, keepdims=True)
    return np.stack([values.T, marks.T], axis=2), y


def mse_loss_and_grads(params, X, y):
    readout = lambda hid: hid @ params["W_y"] + params["b_y"]
    gru = {k: params[k] for k in params if k not in {"W_y", "b_y"}}
    H0 = np.zeros((X.shape[1], params["U_h"].shape[0]))
    states = gru_forward(X, H0, gru)
    err = readout(states[-1]) - y
    loss = float(np.mean(np.square(err)))
    d_err = 2.0 * err / len(err)
    dH = np.zeros_like(states)
    dH[-1] = d_err @ params["W_y"].T
    grads = gru_backward(dH, X, H0, gru)[2]
    grads.update(W_y=states[-1].T @ d_err, b_y=d_err.sum(axis=0).reshape(np.shape(params["b_y"])))
    return loss, grads


def adam_init(params):
    state = {"step": 0}
    for k, v in params.items():
        state["m:" + k] = np.zeros(np.shape(v))
        state["v:" + k] = np.zeros(np.shape(v))
    return state


def adam_step(params, grads, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    state = dict(state)
    state["step"] = t = state["step"] + 1
    # torch.optim.Adam's arrangement: step size lr / bc1, denominator sqrt(v) / sqrt(bc2) + eps
    step_size = lr / (1 - beta1 ** t)
    root_bc2 = np.sqrt(1 - beta2 ** t)
    new = {}
    for k, p in params.items():
        state["m:" + k] = beta1 * state["m:" + k] + (1 - beta1) * grads[k]
        state["v:" + k] = beta2 * state["v:" + k] + (1 - beta2) * grads[k] * grads[k]
        new[k] = p - step_size * state["m:" + k] / (np.sqrt(state["v:" + k]) / root_bc2 + eps)
    return new, state


def _batches(N, batch_size, rng):
    """Endless minibatch indices: one shuffled permutation per epoch, full batches only."""
    while True:
        order = rng.permutation(N)
        for start in range(0, max(N - batch_size, 0) + 1, batch_size):
            yield order[start:start + batch_size]


def train_adding(params, X, y, steps, lr=0.01, batch_size=32, seed=0):
    batches = _batches(X.shape[1], batch_size, np.random.default_rng(seed))
    state, losses = adam_init(params), []
    for _, idx in zip(range(steps), batches):
        loss, grads = mse_loss_and_grads(params, X[:, idx], y[idx])
        params, state = adam_step(params, grads, state, lr=lr)
        losses.append(loss)
    return params, losses


def param_counts(d, h):
    per_gate = lambda: h * d + h * h + h
    return {name: gates * per_gate() for name, gates in (("rnn", 1), ("gru", 3), ("lstm", 4))}


def plot_param_counts():
    import matplotlib.pyplot as plt

    hidden = [2 ** k for k in range(2, 10)]
    curves = {name: [param_counts(8, h)[name] for h in hidden] for name in ("rnn", "gru", "lstm")}
    fig, ax = plt.subplots()
    for name, counts in curves.items():
        ax.loglog(hidden, counts, marker="o", label=name)
    ax.set_xlabel("h (log)")
    ax.set_ylabel("parameters (log), d = 8")
    ax.legend()


plot_param_counts()
