# base: plain
# bug: sigmoid written literally, overflows for large negative x
def sigmoid(x):
    return 1 / (1 + np.exp(-x))
