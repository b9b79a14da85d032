from functools import reduce


def gru_forward(X, H0, params):
    def step(states, X_t):
        return states + [gru_cell_forward(X_t, states[-1], params)]
    return np.stack(reduce(step, list(X), [H0])[1:], axis=0)
