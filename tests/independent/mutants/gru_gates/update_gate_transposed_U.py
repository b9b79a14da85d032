# base: plain
# bug: U_z used transposed (right shape since U_z is square)
def update_gate(X_t, H_prev, W_z, U_z, b_z):
    return sigmoid(X_t @ W_z + H_prev @ U_z.T + b_z)
