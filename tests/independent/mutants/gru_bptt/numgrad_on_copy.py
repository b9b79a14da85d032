# base: cached_einsum
# bug: perturbs a copy of x, so f that reads x from a closure sees no change
def numerical_gradient(f, x, eps=1e-6):
    x = np.array(x, dtype=float)
    g = np.zeros_like(x)
    for i in range(x.size):
        saved = x.flat[i]
        x.flat[i] = saved + eps
        up = f(x)
        x.flat[i] = saved - eps
        down = f(x)
        x.flat[i] = saved
        g.flat[i] = (up - down) / (2 * eps)
    return g
