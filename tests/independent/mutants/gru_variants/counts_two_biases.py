# base: time_batched_kingma
# bug: PyTorch's two bias vectors per gate counted (b_ih and b_hh), h(d + h + 2) per block
def param_counts(d, h):
    shapes = {"W": (d, h), "U": (h, h), "b_ih": (h,), "b_hh": (h,)}
    block = sum(int(np.prod(s)) for s in shapes.values())
    return dict(rnn=block, gru=3 * block, lstm=4 * block)
