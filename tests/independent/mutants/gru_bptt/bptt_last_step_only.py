# base: plain_recompute
# bug: only the loss gradient of the last state is propagated back
def gru_backward(dH, X, H0, params):
    H = gru_states(X, H0, params)
    T = X.shape[0]
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dX = np.zeros_like(X)
    carry = dH[-1]
    for t in reversed(range(T)):
        H_prev = H0 if t == 0 else H[t - 1]
        dX[t], carry, g = gru_cell_backward(carry, X[t], H_prev, params)
        for k in grads:
            grads[k] += g[k]
    return dX, carry, grads
