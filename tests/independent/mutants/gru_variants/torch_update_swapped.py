# base: stacked_clipped
# bug: PyTorch's GRU written with the course's update role, h' = z * n + (1 - z) * h
def torch_gru_forward(X, H0, weights):
    W_ih, W_hh = weights["weight_ih_l0"], weights["weight_hh_l0"]
    b_ih, b_hh = weights["bias_ih_l0"], weights["bias_hh_l0"]
    gi = X @ W_ih.T + b_ih
    W_ir, W_iz, W_in = np.split(gi, 3, axis=-1)
    states = []
    H = H0
    for t in range(X.shape[0]):
        gh = H @ W_hh.T + b_hh
        h_r, h_z, h_n = np.split(gh, 3, axis=-1)
        r = sigmoid(W_ir[t] + h_r)
        z = sigmoid(W_iz[t] + h_z)
        n = np.tanh(W_in[t] + r * h_n)
        H = H + z * (n - H)
        states.append(H)
    return np.stack(states)
