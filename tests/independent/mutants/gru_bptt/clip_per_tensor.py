# base: plain_recompute
# bug: each tensor clipped by its own norm
def clip_gradients(grads, max_norm):
    out = {}
    for k, g in grads.items():
        n = np.linalg.norm(g)
        out[k] = g * (max_norm / n) if n > max_norm else g.copy()
    return out
