# base: plain
# bug: gru_cell_forward passes 1 - Z to a correct hidden_state (Cho et al. role)
def gru_cell_forward(X_t, H_prev, params):
    R = reset_gate(X_t, H_prev, params["W_r"], params["U_r"], params["b_r"])
    Z = update_gate(X_t, H_prev, params["W_z"], params["U_z"], params["b_z"])
    H_tilde = candidate_hidden_state(X_t, H_prev, R, params["W_h"], params["U_h"], params["b_h"])
    return hidden_state(H_prev, 1 - Z, H_tilde)
