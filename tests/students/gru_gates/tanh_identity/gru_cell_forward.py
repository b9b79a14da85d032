def gru_cell_forward(X_t, H_prev, params):
    W, U, b = ({g: params[f"{kind}_{g}"] for g in "rzh"} for kind in "WUb")
    R = reset_gate(X_t, H_prev, W["r"], U["r"], b["r"])
    Z = update_gate(X_t, H_prev, W["z"], U["z"], b["z"])
    return hidden_state(H_prev, Z, candidate_hidden_state(X_t, H_prev, R, W["h"], U["h"], b["h"]))
