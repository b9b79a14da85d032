# base: plain_recompute
# bug: global norm taken as the sum of the tensors' norms
def clip_gradients(grads, max_norm):
    total = sum(np.linalg.norm(g) for g in grads.values())
    if total > max_norm:
        return {k: g * (max_norm / total) for k, g in grads.items()}
    return {k: g.copy() for k, g in grads.items()}
