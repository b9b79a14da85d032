def update_gate(X_t, H_prev, W_z, U_z, b_z):
    return reset_gate(X_t, H_prev, W_z, U_z, b_z)  # same formula, other parameters
