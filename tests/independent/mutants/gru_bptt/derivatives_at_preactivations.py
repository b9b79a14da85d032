# base: plain_recompute
# bug: tanh' and sigmoid' evaluated at the pre-activations (1 - a**2, a * (1 - a)) instead of at the
# activations, as in a published GRU backward pass
def gru_cell_backward(dH_t, X_t, H_prev, params):
    p = params
    a_r = X_t @ p["W_r"] + H_prev @ p["U_r"] + p["b_r"]
    a_z = X_t @ p["W_z"] + H_prev @ p["U_z"] + p["b_z"]
    R, Z = logistic(a_r), logistic(a_z)
    a_h = X_t @ p["W_h"] + (R * H_prev) @ p["U_h"] + p["b_h"]
    Ht = np.tanh(a_h)
    dA_h = dH_t * Z * (1 - a_h ** 2)
    dA_z = dH_t * (Ht - H_prev) * a_z * (1 - a_z)
    dM = dA_h @ p["U_h"].T
    dA_r = dM * H_prev * a_r * (1 - a_r)
    grads = {
        "W_r": X_t.T @ dA_r, "U_r": H_prev.T @ dA_r, "b_r": dA_r.sum(axis=0).reshape(p["b_r"].shape),
        "W_z": X_t.T @ dA_z, "U_z": H_prev.T @ dA_z, "b_z": dA_z.sum(axis=0).reshape(p["b_z"].shape),
        "W_h": X_t.T @ dA_h, "U_h": (R * H_prev).T @ dA_h, "b_h": dA_h.sum(axis=0).reshape(p["b_h"].shape),
    }
    dX_t = dA_r @ p["W_r"].T + dA_z @ p["W_z"].T + dA_h @ p["W_h"].T
    dH_prev = dH_t * (1 - Z) + dM * R + dA_r @ p["U_r"].T + dA_z @ p["U_z"].T
    return dX_t, dH_prev, grads
