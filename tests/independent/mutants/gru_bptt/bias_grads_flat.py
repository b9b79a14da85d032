# base: defaultdict_accumulate
# bug: bias gradients are the plain column sums, shape (h,) also for a (1, h) bias
def gru_cell_backward(dH_t, X_t, H_prev, params):
    s = gru_step(X_t, H_prev, params)
    R, Z, C = s["R"], s["Z"], s["H_tilde"]
    dA = {
        "z": dH_t * (C - H_prev) * Z * (1 - Z),
        "h": dH_t * Z * (1 - C ** 2),
    }
    dM = dA["h"] @ params["U_h"].T
    dA["r"] = dM * H_prev * R * (1 - R)
    inputs = {"r": H_prev, "z": H_prev, "h": R * H_prev}
    grads = OrderedDict()
    for g in "rzh":
        grads["W_" + g] = X_t.T @ dA[g]
        grads["U_" + g] = inputs[g].T @ dA[g]
        grads["b_" + g] = dA[g].sum(axis=0)
    dX_t = sum(dA[g] @ params["W_" + g].T for g in "rzh")
    dH_prev = dH_t * (1 - Z) + dM * R + dA["r"] @ params["U_r"].T + dA["z"] @ params["U_z"].T
    return dX_t, dH_prev, grads
