# base: plain
# bug: reset gate applied after the product with U_h
def candidate_hidden_state(X_t, H_prev, R_t, W_h, U_h, b_h):
    return np.tanh(X_t @ W_h + R_t * (H_prev @ U_h) + b_h)
