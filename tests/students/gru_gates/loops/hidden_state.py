def hidden_state(H_prev, Z_t, H_tilde):
    out = np.zeros_like(H_prev)
    for i in range(H_prev.shape[0]):
        for j in range(H_prev.shape[1]):
            out[i, j] = H_prev[i, j] + Z_t[i, j] * (H_tilde[i, j] - H_prev[i, j])
    return out
