def gru_cell_forward(X_t, H_prev, params):
    # all gates written out here instead of calling the helpers
    g = {k: np.einsum("nd,dh->nh", X_t, params["W_" + k]) + np.reshape(params["b_" + k], (1, -1)) for k in "rzh"}
    r = sigmoid(g["r"] + np.einsum("nk,kh->nh", H_prev, params["U_r"]))
    z = sigmoid(g["z"] + np.einsum("nk,kh->nh", H_prev, params["U_z"]))
    cand = np.tanh(g["h"] + np.einsum("nk,kh->nh", r * H_prev, params["U_h"]))
    return (1.0 - z) * H_prev + z * cand
