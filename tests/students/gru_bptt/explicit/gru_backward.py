def gru_backward(dH, X, H0, params):
    T = len(X)
    prev = [H0]
    for t in range(T - 1):
        prev.append(gru_step(X[t], prev[-1], params)["H"])
    dX = []
    total = None
    dnext = np.zeros_like(H0)
    for t in range(T - 1, -1, -1):
        dx, dnext, g = gru_cell_backward(dH[t] + dnext, X[t], prev[t], params)
        dX.insert(0, dx)
        total = g if total is None else {k: total[k] + g[k] for k in total}
    return np.array(dX), dnext, total
