# base: plain
# bug: update gate with the Cho et al./PyTorch role (Z keeps the old state)
def hidden_state(H_prev, Z_t, H_tilde):
    return Z_t * H_prev + (1 - Z_t) * H_tilde
