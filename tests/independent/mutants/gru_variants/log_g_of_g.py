# base: functional_tape
# bug: log_g(x) = log(g(x)); g(-1000) underflows to 0, so log_g(-1000) is -inf with a divide-by-zero warning
def log_g(x):
    return np.log(g(x))
