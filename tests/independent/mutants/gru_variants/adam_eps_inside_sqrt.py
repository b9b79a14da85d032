# base: stacked_clipped
# bug: eps inside the square root, sqrt(v_hat + eps) instead of sqrt(v_hat) + eps
def adam_step(params, grads, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t, m, v = state
    t += 1
    m = {k: beta1 * m[k] + (1 - beta1) * grads[k] for k in params}
    v = {k: beta2 * v[k] + (1 - beta2) * np.square(grads[k]) for k in params}
    c1, c2 = 1 - beta1 ** t, 1 - beta2 ** t
    new = {k: params[k] - lr * (m[k] / c1) / np.sqrt(v[k] / c2 + eps) for k in params}
    return new, [t, m, v]
