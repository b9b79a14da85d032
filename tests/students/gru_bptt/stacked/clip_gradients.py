def clip_gradients(grads, max_norm):
    # PyTorch's clip_grad_norm_ factor
    norm = np.sqrt(sum(float(np.vdot(g, g)) for g in grads.values()))
    factor = min(1.0, max_norm / (norm + 1e-6))
    return {name: np.asarray(g) * factor for name, g in grads.items()}
