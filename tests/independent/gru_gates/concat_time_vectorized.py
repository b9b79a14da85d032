def sigmoid(x):
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    pos = x >= 0
    neg = ~pos
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    ex = np.exp(x[neg])
    out[neg] = ex / (1.0 + ex)
    return out


def _row(b):
    return np.atleast_2d(b)


def reset_gate(X_t, H_prev, W_r, U_r, b_r):
    XH = np.concatenate([X_t, H_prev], axis=1)
    return sigmoid(XH @ np.vstack([W_r, U_r]) + _row(b_r))


def update_gate(X_t, H_prev, W_z, U_z, b_z):
    XH = np.hstack((X_t, H_prev))
    return sigmoid(XH @ np.concatenate((W_z, U_z), axis=0) + _row(b_z))


def candidate_hidden_state(X_t, H_prev, R_t, W_h, U_h, b_h):
    XRH = np.hstack((X_t, R_t * H_prev))
    return np.tanh(XRH @ np.vstack((W_h, U_h)) + _row(b_h))


def hidden_state(H_prev, Z_t, H_tilde):
    return Z_t * H_tilde + H_prev - Z_t * H_prev


def gru_cell_forward(X_t, H_prev, params):
    g = lambda k: params[k]
    R = reset_gate(X_t, H_prev, g("W_r"), g("U_r"), g("b_r"))
    Z = update_gate(X_t, H_prev, g("W_z"), g("U_z"), g("b_z"))
    return hidden_state(H_prev, Z, candidate_hidden_state(X_t, H_prev, R, g("W_h"), g("U_h"), g("b_h")))


def gru_forward(X, H0, params):
    # input projections for all time steps at once, only the recurrence is a loop
    XW_r = np.tensordot(X, params["W_r"], axes=([2], [0])) + _row(params["b_r"])
    XW_z = np.tensordot(X, params["W_z"], axes=([2], [0])) + _row(params["b_z"])
    XW_h = np.tensordot(X, params["W_h"], axes=([2], [0])) + _row(params["b_h"])
    H = H0
    states = []
    for t in range(X.shape[0]):
        R = sigmoid(XW_r[t] + H @ params["U_r"])
        Z = sigmoid(XW_z[t] + H @ params["U_z"])
        Hc = np.tanh(XW_h[t] + (R * H) @ params["U_h"])
        H = hidden_state(H, Z, Hc)
        states.append(H)
    return np.asarray(states)
