# base: plain
# bug: gru_forward writes the time loop out itself, with the update gate's role of the chapter's prose
# (Z close to 1 keeps the old state); the cell functions are right
def gru_forward(X, H0, params):
    p = params
    H = H0
    states = []
    for X_t in X:
        R = sigmoid(X_t @ p["W_r"] + H @ p["U_r"] + p["b_r"])
        Z = sigmoid(X_t @ p["W_z"] + H @ p["U_z"] + p["b_z"])
        H_tilde = np.tanh(X_t @ p["W_h"] + (R * H) @ p["U_h"] + p["b_h"])
        H = Z * H + (1 - Z) * H_tilde
        states.append(H)
    return np.stack(states)
