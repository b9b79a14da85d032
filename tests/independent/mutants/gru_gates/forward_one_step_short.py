# base: plain
# bug: the loop stops one step early
def gru_forward(X, H0, params):
    H = H0
    states = []
    for t in range(X.shape[0] - 1):
        H = gru_cell_forward(X[t], H, params)
        states.append(H)
    return np.stack(states)
