# base: stacked_clipped
# bug: g(x) = x for x >= 0, the + 0.5 forgotten (g(0) = 0 while sigmoid(0) = 0.5: not continuous, not positive)
def g(x):
    x = np.asarray(x, dtype=np.float64)
    out = sigmoid(x)
    nonneg = x >= 0
    out[nonneg] = x[nonneg]
    return out
