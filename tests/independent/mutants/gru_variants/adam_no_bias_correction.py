# base: stacked_clipped
# bug: Adam without the bias corrections 1 - beta^t
def adam_step(params, grads, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t, m, v = state
    t += 1
    m = {k: beta1 * m[k] + (1 - beta1) * grads[k] for k in params}
    v = {k: beta2 * v[k] + (1 - beta2) * np.square(grads[k]) for k in params}
    new = {k: params[k] - lr * m[k] / (np.sqrt(v[k]) + eps) for k in params}
    return new, [t, m, v]
