# base: plain_recompute
# bug: one-sided differences with a hard-coded step (the eps argument is ignored)
def numerical_gradient(f, x, eps=1e-6):
    grad = np.zeros_like(x, dtype=float)
    f0 = f(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + 1e-6
        grad[i] = (f(x) - f0) / 1e-6
        x[i] = old
    return grad
