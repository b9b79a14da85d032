def gru_backward(dH, X, H0, params):
    # per-step local gradients first, weight gradients as one contraction over time
    T, h = X.shape[0], H0.shape[1]
    H = gru_states(X, H0, params)
    prev = np.concatenate([H0[None], H[:-1]], axis=0)
    dA, dX = [], np.zeros(X.shape)
    carry = np.zeros(H0.shape)
    U_all = np.concatenate([params["U_r"], params["U_z"]], axis=1)
    gated = []
    for t in reversed(range(T)):
        W, U_rz, r, z, c = _forward_cache(X[t], prev[t], params)
        G = dH[t] + carry
        da_h = G * z * (1 - c ** 2)
        dm = da_h @ params["U_h"].T
        da_rz = np.concatenate([dm * prev[t] * r * (1 - r), G * (c - prev[t]) * z * (1 - z)], axis=1)
        step = np.concatenate([da_rz, da_h], axis=1)
        dX[t] = step @ W.T
        carry = G * (1 - z) + dm * r + da_rz @ U_all.T
        dA.insert(0, step)
        gated.insert(0, r * prev[t])
    dA, gated = np.array(dA), np.array(gated)
    dW = np.einsum("tnd,tnk->dk", X, dA)
    db = dA.sum(axis=(0, 1))
    dU_rz = np.einsum("tnk,tnj->kj", prev, dA[:, :, :2 * h])
    grads = {"U_r": dU_rz[:, :h], "U_z": dU_rz[:, h:], "U_h": np.einsum("tnk,tnj->kj", gated, dA[:, :, 2 * h:])}
    for i, g in enumerate("rzh"):
        grads["W_" + g] = dW[:, i * h:(i + 1) * h]
        grads["b_" + g] = db[i * h:(i + 1) * h].reshape(np.shape(params["b_" + g]))
    return dX, carry, grads
