# base: plain_recompute
# bug: dH is not accumulated across time (dH_prev of step t+1 is dropped)
def gru_backward(dH, X, H0, params):
    H = gru_states(X, H0, params)
    T = X.shape[0]
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dX = np.zeros_like(X)
    dH_prev = np.zeros_like(H0)
    for t in reversed(range(T)):
        H_prev = H0 if t == 0 else H[t - 1]
        dX[t], dH_prev, g = gru_cell_backward(dH[t], X[t], H_prev, params)
        for k in grads:
            grads[k] += g[k]
    return dX, dH_prev, grads
