# base: einsum_tanh
# bug: H_tilde uses H_prev instead of R_t * H_prev
def candidate_hidden_state(X_t, H_prev, R_t, W_h, U_h, b_h):
    return np.tanh(_affine(X_t, H_prev, W_h, U_h, b_h))
