def gru_forward(X, H0, params):
    # batch-major output (n, T, h) instead of (T, n, h)
    states, H = [], H0
    for X_t in X:
        H = gru_cell_forward(X_t, H, params)
        states.append(H)
    return np.stack(states, axis=1)
