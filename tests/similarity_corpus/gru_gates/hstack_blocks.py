import numpy as np


def sigmoid(x):
    x = np.asarray(x, dtype=float)
    return 0.5 + 0.5 * np.tanh(0.5 * x)


def _joint(X_t, H_prev, W, U, b):
    """[x, h] @ [[W], [U]] in one product."""
    return np.hstack((X_t, H_prev)) @ np.vstack((W, U)) + np.reshape(b, (1, -1))


def reset_gate(X_t, H_prev, W_r, U_r, b_r):
    return sigmoid(_joint(X_t, H_prev, W_r, U_r, b_r))


def update_gate(X_t, H_prev, W_z, U_z, b_z):
    return sigmoid(_joint(X_t, H_prev, W_z, U_z, b_z))


def candidate_hidden_state(X_t, H_prev, R_t, W_h, U_h, b_h):
    return np.tanh(_joint(X_t, R_t * H_prev, W_h, U_h, b_h))


def hidden_state(H_prev, Z_t, H_tilde):
    return np.add(np.multiply(np.subtract(1.0, Z_t), H_prev), np.multiply(Z_t, H_tilde))


def gru_cell_forward(X_t, H_prev, params):
    gate = {}
    for name, fn in (("r", reset_gate), ("z", update_gate)):
        gate[name] = fn(X_t, H_prev, params["W_" + name], params["U_" + name], params["b_" + name])
    cand = candidate_hidden_state(X_t, H_prev, gate["r"], params["W_h"], params["U_h"], params["b_h"])
    return hidden_state(H_prev, gate["z"], cand)


def gru_forward(X, H0, params):
    sequence = [H0]
    for x_t in X:
        sequence.append(gru_cell_forward(x_t, sequence[-1], params))
    return np.stack(sequence[1:], axis=0)
