# base: stacked_clipped
# bug: the LSTM counted with three weight blocks like the GRU, 3h(d + h + 1)
def param_counts(d, h):
    rnn = h * (d + h + 1)
    return {"rnn": rnn, "gru": 3 * rnn, "lstm": 3 * rnn}
