import math


def sigmoid(x):
    # element by element, choosing the branch that cannot overflow
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    for idx, value in np.ndenumerate(x):
        if value >= 0:
            out[idx] = 1.0 / (1.0 + math.exp(-value))
        else:
            z = math.exp(value)
            out[idx] = z / (1.0 + z)
    return out
