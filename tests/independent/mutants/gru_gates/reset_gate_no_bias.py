# base: plain
# bug: the reset gate forgets its bias
def reset_gate(X_t, H_prev, W_r, U_r, b_r):
    return sigmoid(X_t @ W_r + H_prev @ U_r)
