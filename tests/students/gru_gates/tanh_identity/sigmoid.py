def sigmoid(x):
    return 0.5 + 0.5 * np.tanh(np.multiply(0.5, x, dtype=float))
