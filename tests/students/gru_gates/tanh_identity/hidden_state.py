def hidden_state(H_prev, Z_t, H_tilde):
    return H_tilde - (1 - Z_t) * (H_tilde - H_prev)
