# base: plain_recompute
# bug: dH_prev collects dA_z @ U_z instead of dA_z @ U_z.T (right shape, U_z is square)
def gru_cell_backward(dH_t, X_t, H_prev, params):
    p = params
    s = gru_step(X_t, H_prev, p)
    R, Z, Ht = s["R"], s["Z"], s["H_tilde"]
    dHt = dH_t * Z
    dZ = dH_t * (Ht - H_prev)
    dH_prev = dH_t * (1 - Z)
    dA_h = dHt * (1 - Ht ** 2)
    dA_z = dZ * Z * (1 - Z)
    dM = dA_h @ p["U_h"].T
    dR = dM * H_prev
    dH_prev = dH_prev + dM * R
    dA_r = dR * R * (1 - R)
    grads = {
        "W_r": X_t.T @ dA_r, "U_r": H_prev.T @ dA_r, "b_r": dA_r.sum(axis=0).reshape(p["b_r"].shape),
        "W_z": X_t.T @ dA_z, "U_z": H_prev.T @ dA_z, "b_z": dA_z.sum(axis=0).reshape(p["b_z"].shape),
        "W_h": X_t.T @ dA_h, "U_h": (R * H_prev).T @ dA_h, "b_h": dA_h.sum(axis=0).reshape(p["b_h"].shape),
    }
    dX_t = dA_r @ p["W_r"].T + dA_z @ p["W_z"].T + dA_h @ p["W_h"].T
    dH_prev = dH_prev + dA_r @ p["U_r"].T + dA_z @ p["U_z"]
    return dX_t, dH_prev, grads
