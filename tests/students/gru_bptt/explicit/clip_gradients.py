def clip_gradients(grads, max_norm):
    total = np.linalg.norm(np.concatenate([np.ravel(g) for g in grads.values()]))
    if total <= max_norm:
        return {k: np.copy(g) for k, g in grads.items()}
    return {k: g * (max_norm / total) for k, g in grads.items()}
