def update_gate(X_t, H_prev, W_z, U_z, b_z):
    return sigmoid(_affine(X_t, H_prev, W_z, U_z, b_z))
