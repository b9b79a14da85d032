# base: plain
# bug: b_h[0] assumes a (1, h) bias; a flat (h,) bias collapses to its first entry
def candidate_hidden_state(X_t, H_prev, R_t, W_h, U_h, b_h):
    return np.tanh(X_t @ W_h + (R_t * H_prev) @ U_h + b_h[0])
