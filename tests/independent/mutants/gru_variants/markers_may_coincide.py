# base: stacked_clipped
# bug: the two marked steps are drawn independently (like rng.choice(T, 2) without replace=False) and coincide in
# about 1 of T sequences
def adding_problem(n, T, seed):
    rng = np.random.default_rng(seed)
    X = np.zeros((T, n, 2))
    X[..., 0] = rng.random((T, n))
    first = rng.integers(0, T, size=n)
    second = rng.integers(0, T, size=n)
    rows = np.arange(n)
    X[first, rows, 1] = 1.0
    X[second, rows, 1] = 1.0
    y = (X[first, rows, 0] + X[second, rows, 0]).reshape(n, 1)
    return X, y
