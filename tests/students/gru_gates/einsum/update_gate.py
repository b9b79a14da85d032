def update_gate(X_t, H_prev, W_z, U_z, b_z):
    pre = np.einsum("nd,dh->nh", X_t, W_z) + np.einsum("nk,kh->nh", H_prev, U_z)
    return sigmoid(pre + np.reshape(b_z, (1, -1)))
