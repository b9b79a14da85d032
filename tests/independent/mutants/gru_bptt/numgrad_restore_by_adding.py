# base: plain_recompute
# bug: restores x by adding eps back instead of storing the value (rounding changes x)
def numerical_gradient(f, x, eps=1e-6):
    grad = np.zeros_like(x, dtype=float)
    for i in np.ndindex(x.shape):
        x[i] += eps
        fp = f(x)
        x[i] -= 2 * eps
        fm = f(x)
        x[i] += eps
        grad[i] = (fp - fm) / (2 * eps)
    return grad
