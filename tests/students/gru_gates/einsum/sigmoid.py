def sigmoid(x):
    # sigmoid(x) = exp(-log(1 + exp(-x))), and logaddexp never overflows
    return np.exp(-np.logaddexp(0.0, -np.asarray(x, dtype=float)))
