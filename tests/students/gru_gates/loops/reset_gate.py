def _affine(X, H, W, U, b):
    # one example (row) and one hidden unit at a time
    n, h = X.shape[0], W.shape[1]
    b = np.asarray(b).reshape(-1)
    out = np.zeros((n, h))
    for i in range(n):
        for j in range(h):
            out[i, j] = sum(X[i, k] * W[k, j] for k in range(X.shape[1])) \
                + sum(H[i, k] * U[k, j] for k in range(H.shape[1])) + b[j]
    return out


def reset_gate(X_t, H_prev, W_r, U_r, b_r):
    return sigmoid(_affine(X_t, H_prev, W_r, U_r, b_r))
