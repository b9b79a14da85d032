import numpy as np


def expit(a):
    """Logistic function; exp never overflows on the clipped argument."""
    return np.reciprocal(1.0 + np.exp(-np.clip(a, -500.0, 500.0)))


class _Cell:
    """Holds one parameter set so each gate reads its own three arrays by letter."""

    def __init__(self, params):
        self.params = params

    def affine(self, letter, inputs, state):
        W, U, b = (self.params[f"{kind}_{letter}"] for kind in "WUb")
        return inputs @ W + state @ U + b

    def __call__(self, inputs, state):
        r = expit(self.affine("r", inputs, state))
        z = expit(self.affine("z", inputs, state))
        W, U, b = (self.params[f"{kind}_h"] for kind in "WUb")
        h_hat = np.tanh(inputs @ W + (r * state) @ U + b)
        return z * h_hat + (1 - z) * state


def sigmoid(x):
    return expit(np.asarray(x, dtype=float))


def reset_gate(X_t, H_prev, W_r, U_r, b_r):
    return expit(_Cell({"W_r": W_r, "U_r": U_r, "b_r": b_r}).affine("r", X_t, H_prev))


def update_gate(X_t, H_prev, W_z, U_z, b_z):
    return expit(_Cell({"W_z": W_z, "U_z": U_z, "b_z": b_z}).affine("z", X_t, H_prev))


def candidate_hidden_state(X_t, H_prev, R_t, W_h, U_h, b_h):
    return np.tanh(X_t @ W_h + (R_t * H_prev) @ U_h + b_h)


def hidden_state(H_prev, Z_t, H_tilde):
    return Z_t * H_tilde + (1 - Z_t) * H_prev


def gru_cell_forward(X_t, H_prev, params):
    return _Cell(params)(X_t, H_prev)


def gru_forward(X, H0, params):
    cell, state, out = _Cell(params), H0, np.empty((X.shape[0], *H0.shape))
    for t, inputs in enumerate(X):
        state = out[t] = cell(inputs, state)
    return out
