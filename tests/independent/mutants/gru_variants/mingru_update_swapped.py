# base: time_batched_kingma
# bug: minGRU with z and 1 - z swapped, h_t = z_t * h_{t-1} + (1 - z_t) * h~_t
def mingru_sequential(X, h0, params):
    out = np.zeros(X.shape[:2] + (h0.shape[1],))
    h = h0
    for t in range(X.shape[0]):
        z = sigmoid(X[t] @ params["W_z"] + params["b_z"])
        h = out[t] = z * h + (1 - z) * g(X[t] @ params["W_h"] + params["b_h"])
    return out
