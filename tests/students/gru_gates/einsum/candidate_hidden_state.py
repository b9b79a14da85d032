def candidate_hidden_state(X_t, H_prev, R_t, W_h, U_h, b_h):
    pre = np.einsum("nd,dh->nh", X_t, W_h) + np.einsum("nk,nk,kh->nh", R_t, H_prev, U_h)
    return np.tanh(pre + np.reshape(b_h, (1, -1)))
