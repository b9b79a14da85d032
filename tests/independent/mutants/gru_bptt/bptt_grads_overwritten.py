# base: gru_step_loops
# bug: parameter gradients overwritten at every step instead of summed (only the first step's remain)
def gru_backward(dH, X, H0, params):
    T = len(X)
    H = [H0]
    for t in range(T):
        H.append(gru_step(X[t], H[t], params)["H"])
    dX = [None] * T
    d_next = np.zeros_like(H0)
    for t in range(T - 1, -1, -1):
        dX[t], d_next, grads = gru_cell_backward(dH[t] + d_next, X[t], H[t], params)
    return np.stack(dX), d_next, grads
