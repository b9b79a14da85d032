def sigmoid(x):
    # exp(500) is finite in float64, so clipping the argument avoids any overflow
    z = np.clip(np.asarray(x, dtype=np.float64), -500.0, 500.0)
    return 1.0 / (1.0 + np.exp(-z))


class _Gate:
    def __init__(self, W, U, b, act):
        self.W, self.U, self.b, self.act = W, U, np.asarray(b).reshape(1, -1), act

    def __call__(self, X, H):
        return self.act(X.dot(self.W) + H.dot(self.U) + self.b)


def reset_gate(X_t, H_prev, W_r, U_r, b_r):
    return _Gate(W_r, U_r, b_r, sigmoid)(X_t, H_prev)


def update_gate(X_t, H_prev, W_z, U_z, b_z):
    return _Gate(W_z, U_z, b_z, sigmoid)(X_t, H_prev)


def candidate_hidden_state(X_t, H_prev, R_t, W_h, U_h, b_h):
    return _Gate(W_h, U_h, b_h, np.tanh)(X_t, R_t * H_prev)


def hidden_state(H_prev, Z_t, H_tilde):
    return np.add((1 - Z_t) * H_prev, Z_t * H_tilde)


def gru_cell_forward(X_t, H_prev, params):
    R_t = reset_gate(X_t, H_prev, *(params[k] for k in ("W_r", "U_r", "b_r")))
    Z_t = update_gate(X_t, H_prev, *(params[k] for k in ("W_z", "U_z", "b_z")))
    H_tilde = candidate_hidden_state(X_t, H_prev, R_t, *(params[k] for k in ("W_h", "U_h", "b_h")))
    return hidden_state(H_prev, Z_t, H_tilde)


def gru_forward(X, H0, params):
    import functools

    def step(acc, X_t):
        return acc + [gru_cell_forward(X_t, acc[-1], params)]

    return np.stack(functools.reduce(step, list(X), [H0])[1:], axis=0)
