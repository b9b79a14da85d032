def candidate_hidden_state(X_t, H_prev, R_t, W_h, U_h, b_h):
    return np.tanh(np.dot(X_t, W_h) + np.dot(np.multiply(R_t, H_prev), U_h) + np.atleast_2d(b_h))
