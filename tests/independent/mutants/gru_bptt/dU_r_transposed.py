# base: vectorized_time
# bug: dU_r computed as dA_r^T H_prev (the transpose; right shape since U_r is square)
def gru_cell_backward(dH_t, X_t, H_prev, params):
    p = params
    R, Z, C = _pieces(X_t, H_prev, p)
    dA_r, dA_z, dA_h, dM = _local(dH_t, H_prev, R, Z, C, p["U_h"])
    dX_t = dA_r @ p["W_r"].T + dA_z @ p["W_z"].T + dA_h @ p["W_h"].T
    dH_prev = dH_t * (1 - Z) + dM * R + dA_r @ p["U_r"].T + dA_z @ p["U_z"].T
    grads = {"W_r": X_t.T @ dA_r, "W_z": X_t.T @ dA_z, "W_h": X_t.T @ dA_h,
             "U_r": dA_r.T @ H_prev, "U_z": H_prev.T @ dA_z, "U_h": (R * H_prev).T @ dA_h}
    for k, dA in (("b_r", dA_r), ("b_z", dA_z), ("b_h", dA_h)):
        grads[k] = np.reshape(dA.sum(axis=0), np.shape(p[k]))
    return dX_t, dH_prev, grads
