# base: plain
# bug: np.where evaluates both branches, so exp(-x) still overflows for x = -1000
def sigmoid(x):
    x = np.asarray(x, dtype=float)
    return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))
