def gru_cell_backward(dH_t, X_t, H_prev, params):
    # correct except that the bias gradients are not summed over the batch
    s = gru_step(X_t, H_prev, params)
    R, Z, C = s["R"], s["Z"], s["H_tilde"]
    d_h = dH_t * Z * (1 - C ** 2)
    d_z = dH_t * (C - H_prev) * Z * (1 - Z)
    d_m = d_h @ params["U_h"].T
    d_r = d_m * H_prev * R * (1 - R)
    dH_prev = dH_t * (1 - Z) + d_m * R + d_z @ params["U_z"].T + d_r @ params["U_r"].T
    dX = d_r @ params["W_r"].T + d_z @ params["W_z"].T + d_h @ params["W_h"].T
    grads = {"W_r": X_t.T @ d_r, "W_z": X_t.T @ d_z, "W_h": X_t.T @ d_h,
             "U_r": H_prev.T @ d_r, "U_z": H_prev.T @ d_z, "U_h": (R * H_prev).T @ d_h,
             "b_r": d_r, "b_z": d_z, "b_h": d_h}
    return dX, dH_prev, grads
