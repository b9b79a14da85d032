# base: inlined_bptt
# bug: always rescales to max_norm, also when the norm is already below it
def clip_gradients(grads, max_norm):
    norm = np.sqrt(sum(float(np.sum(np.square(v))) for v in grads.values()))
    return {k: v * (max_norm / norm) for k, v in grads.items()}
