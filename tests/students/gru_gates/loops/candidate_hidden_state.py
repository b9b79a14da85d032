def candidate_hidden_state(X_t, H_prev, R_t, W_h, U_h, b_h):
    gated = np.zeros_like(H_prev)
    for i in range(H_prev.shape[0]):
        gated[i] = R_t[i] * H_prev[i]
    return np.tanh(_affine(X_t, gated, W_h, U_h, b_h))
