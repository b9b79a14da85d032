# base: time_batched_kingma
# bug: the course's (d, h) and (h, h) matrices are stacked as they are, not transposed to PyTorch's (out, in) rows
def chapter_to_torch(params):
    out = {"weight_ih_l0": [], "weight_hh_l0": [], "bias_ih_l0": [], "bias_hh_l0": []}
    for k in GATES:
        s = -1.0 if k == "z" else 1.0
        out["weight_ih_l0"].append(s * params["W_" + k])
        out["weight_hh_l0"].append(s * params["U_" + k])
        b = s * np.ravel(params["b_" + k])
        out["bias_ih_l0"].append(b if k == "h" else np.zeros_like(b))
        out["bias_hh_l0"].append(np.zeros_like(b) if k == "h" else b)
    return {name: np.concatenate(parts, axis=0) for name, parts in out.items()}
