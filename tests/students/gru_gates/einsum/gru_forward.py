def gru_forward(X, H0, params):
    # input projections for all time steps at once, recurrence step by step
    proj = {k: np.einsum("tnd,dh->tnh", X, params["W_" + k]) + np.reshape(params["b_" + k], (1, 1, -1))
            for k in "rzh"}
    states, H = [], H0
    for t in range(X.shape[0]):
        r = sigmoid(proj["r"][t] + H @ params["U_r"])
        z = sigmoid(proj["z"][t] + H @ params["U_z"])
        H = (1.0 - z) * H + z * np.tanh(proj["h"][t] + (r * H) @ params["U_h"])
        states.append(H)
    return np.array(states)
