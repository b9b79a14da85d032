def gru_forward(X, H0, params):
    T, n = X.shape[0], X.shape[1]
    H = np.zeros((T, n, H0.shape[1]))
    state = H0
    for t in range(T):
        state = gru_cell_forward(X[t], state, params)
        H[t] = state
    return H
