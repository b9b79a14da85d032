def _sig(a):
    return np.where(a >= 0, 1.0 / (1.0 + np.exp(-np.abs(a))), np.exp(-np.abs(a)) / (1.0 + np.exp(-np.abs(a))))


def gru_cell_backward(dH_t, X_t, H_prev, params):
    P = params
    r = _sig(X_t @ P["W_r"] + H_prev @ P["U_r"] + P["b_r"])
    z = _sig(X_t @ P["W_z"] + H_prev @ P["U_z"] + P["b_z"])
    c = np.tanh(X_t @ P["W_h"] + (r * H_prev) @ P["U_h"] + P["b_h"])
    # H_t = H_prev + z * (c - H_prev)
    d_c = dH_t * z
    d_z = dH_t * (c - H_prev)
    d_hc = d_c * (1 - c * c)
    d_rh = d_hc @ P["U_h"].T
    d_r = d_rh * H_prev
    d_hr = d_r * r * (1 - r)
    d_hz = d_z * z * (1 - z)
    dH_prev = dH_t * (1 - z) + d_rh * r + d_hz @ P["U_z"].T + d_hr @ P["U_r"].T
    dX_t = d_hr @ P["W_r"].T + d_hz @ P["W_z"].T + d_hc @ P["W_h"].T
    grads = {
        "W_r": X_t.T @ d_hr, "U_r": H_prev.T @ d_hr, "b_r": np.sum(d_hr, axis=0),
        "W_z": X_t.T @ d_hz, "U_z": H_prev.T @ d_hz, "b_z": np.sum(d_hz, axis=0),
        "W_h": X_t.T @ d_hc, "U_h": (r * H_prev).T @ d_hc, "b_h": np.sum(d_hc, axis=0),
    }
    for name in ("b_r", "b_z", "b_h"):
        if np.ndim(P[name]) == 2:
            grads[name] = grads[name][None, :]
    return dX_t, dH_prev, grads
