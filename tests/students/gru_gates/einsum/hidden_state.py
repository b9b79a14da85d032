def hidden_state(H_prev, Z_t, H_tilde):
    return np.einsum("nh,nh->nh", Z_t, H_tilde) + np.einsum("nh,nh->nh", 1.0 - Z_t, H_prev)
