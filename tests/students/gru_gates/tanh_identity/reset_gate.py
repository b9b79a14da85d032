def reset_gate(X_t, H_prev, W_r, U_r, b_r):
    stacked = np.hstack([X_t, H_prev, np.ones((X_t.shape[0], 1))])
    return sigmoid(stacked @ np.vstack([W_r, U_r, np.atleast_2d(b_r)]))
