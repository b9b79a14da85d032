# base: loops
# bug: returns H0 as well, shape (T + 1, n, h)
def gru_forward(X, H0, params):
    result = [H0]
    for X_t in X:
        result.append(gru_cell_forward(X_t, result[-1], params))
    return np.array(result)
