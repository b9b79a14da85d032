# base: plain_recompute
# bug: the perturbed entry is never put back
def numerical_gradient(f, x, eps=1e-6):
    grad = np.zeros_like(x, dtype=float)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        fp = f(x)
        x[i] = old - eps
        fm = f(x)
        grad[i] = (fp - fm) / (2 * eps)
    return grad
