# base: inlined_bptt
# bug: dH_prev misses the path through the candidate, dM * R (gru_backward is written out and correct)
def gru_cell_backward(dH_t, X_t, H_prev, params):
    W_r, U_r, b_r = params["W_r"], params["U_r"], params["b_r"]
    W_z, U_z, b_z = params["W_z"], params["U_z"], params["b_z"]
    W_h, U_h, b_h = params["W_h"], params["U_h"], params["b_h"]
    r = _sigmoid(np.dot(X_t, W_r) + np.dot(H_prev, U_r) + b_r)
    z = _sigmoid(np.dot(X_t, W_z) + np.dot(H_prev, U_z) + b_z)
    rh = r * H_prev
    c = np.tanh(np.dot(X_t, W_h) + np.dot(rh, U_h) + b_h)
    da_c = dH_t * z * (1 - c * c)
    da_z = dH_t * (c - H_prev) * z * (1 - z)
    d_rh = np.dot(da_c, U_h.T)
    da_r = d_rh * H_prev * r * (1 - r)
    dX_t = np.dot(da_r, W_r.T) + np.dot(da_z, W_z.T) + np.dot(da_c, W_h.T)
    dH_prev = dH_t * (1 - z) + np.dot(da_r, U_r.T) + np.dot(da_z, U_z.T)
    grads = dict(
        W_r=np.dot(X_t.T, da_r), U_r=np.dot(H_prev.T, da_r), b_r=np.sum(da_r, axis=0).reshape(np.shape(b_r)),
        W_z=np.dot(X_t.T, da_z), U_z=np.dot(H_prev.T, da_z), b_z=np.sum(da_z, axis=0).reshape(np.shape(b_z)),
        W_h=np.dot(X_t.T, da_c), U_h=np.dot(rh.T, da_c), b_h=np.sum(da_c, axis=0).reshape(np.shape(b_h)),
    )
    return dX_t, dH_prev, grads
