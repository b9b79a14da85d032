def numerical_gradient(f, x, eps=1e-6):
    grad = np.empty(x.shape)
    for flat in range(x.size):
        i = np.unravel_index(flat, x.shape)
        orig = float(x[i])
        values = []
        for step in (eps, -eps):
            x[i] = orig + step
            values.append(float(f(x)))
        x[i] = orig
        grad[i] = (values[0] - values[1]) / (2 * eps)
    return grad
