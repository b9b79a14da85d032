# base: cached_einsum
# bug: scales the caller's arrays in place
def clip_gradients(grads, max_norm):
    norm = np.sqrt(sum(float(np.sum(g * g)) for g in grads.values()))
    if norm > max_norm:
        for g in grads.values():
            g *= max_norm / norm
    return dict(grads)
