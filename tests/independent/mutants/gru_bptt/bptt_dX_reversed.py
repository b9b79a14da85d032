# base: concat_stacked
# bug: dX collected backwards in time and never reversed
def gru_backward(dH, X, H0, params):
    states = [H0] + list(gru_states(X, H0, params))
    dX = []
    total = {k: 0.0 for k in params}
    dh_next = 0.0
    for t in range(len(X) - 1, -1, -1):
        dx, dh_next, g = gru_cell_backward(dH[t] + dh_next, X[t], states[t], params)
        dX.append(dx)
        total = {k: total[k] + g[k] for k in total}
    return np.array(dX), np.asarray(dh_next), total
