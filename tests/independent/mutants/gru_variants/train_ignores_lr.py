# base: stacked_clipped
# bug: train_adding does not pass lr on, so Adam runs at its default 1e-3
def train_adding(params, X, y, steps, lr=0.01, batch_size=32, seed=0):
    rng = np.random.default_rng(seed)
    state = adam_init(params)
    losses = []
    for _ in range(steps):
        pick = rng.choice(X.shape[1], size=batch_size, replace=True)
        loss, grads = mse_loss_and_grads(params, X[:, pick, :], y[pick, :])
        params, state = adam_step(params, _clip(grads, 1.0), state)
        losses.append(loss)
    return params, losses
