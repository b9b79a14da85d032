# base: stacked_clipped
# bug: chapter_to_torch copies the update gate unchanged, so PyTorch's z keeps the state where the course's takes the candidate
def chapter_to_torch(params):
    W, U_rz, U_h, b = _stack(params)
    h = U_h.shape[0]
    return {
        "weight_ih_l0": W.T.copy(),
        "weight_hh_l0": np.vstack([U_rz.T, U_h.T]),
        "bias_ih_l0": b,
        "bias_hh_l0": np.zeros(3 * h),
    }
