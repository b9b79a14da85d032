def reset_gate(X_t, H_prev, W_r, U_r, b_r):
    pre = np.einsum("nd,dh->nh", X_t, W_r) + np.einsum("nk,kh->nh", H_prev, U_r)
    return sigmoid(pre + np.reshape(b_r, (1, -1)))
