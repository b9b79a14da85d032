# base: plain_recompute
# bug: step t is differentiated at the state after step t instead of the state before it
def gru_backward(dH, X, H0, params):
    H = gru_states(X, H0, params)
    T = X.shape[0]
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dX = np.zeros_like(X)
    carry = np.zeros_like(H0)
    for t in reversed(range(T)):
        dX[t], carry, g = gru_cell_backward(dH[t] + carry, X[t], H[t], params)
        for k in grads:
            grads[k] += g[k]
    return dX, carry, grads
