"""Re-measure how far PyTorch's reset placement (after the product) is from the course's (before it).

Both GRUs share the weights of a freshly initialised `torch.nn.GRU` (PyTorch's own
initialisation, uniform in +-1/sqrt(h)); only the candidate differs:
    PyTorch: n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
    course:  n = tanh(W_in x + b_in + W_hn (r * h) + b_hn)
Printed: the largest absolute difference between the two output sequences, per hidden size,
over several seeds. Run: python docs/measurements/reset_placement.py
"""
from __future__ import annotations

import torch

T, N, D, SEEDS = 20, 8, 32, 5


def reset_before(gru: torch.nn.GRU, X: torch.Tensor) -> torch.Tensor:
    """The course's placement with the weights of `gru` (one layer, PyTorch's update role)."""
    W_ih, W_hh, b_ih, b_hh = gru.weight_ih_l0, gru.weight_hh_l0, gru.bias_ih_l0, gru.bias_hh_l0
    h = W_hh.shape[1]
    H = torch.zeros(X.shape[1], h, dtype=X.dtype)
    out = []
    for x in X:
        a_x = x @ W_ih.T + b_ih
        r = torch.sigmoid(a_x[:, :h] + H @ W_hh[:h].T + b_hh[:h])
        z = torch.sigmoid(a_x[:, h:2 * h] + H @ W_hh[h:2 * h].T + b_hh[h:2 * h])
        n = torch.tanh(a_x[:, 2 * h:] + (r * H) @ W_hh[2 * h:].T + b_hh[2 * h:])
        H = (1 - z) * n + z * H
        out.append(H)
    return torch.stack(out)


def main() -> None:
    print(f"torch {torch.__version__}; T={T}, n={N}, d={D}, X ~ N(0, 1), H0 = 0; max |difference| of the outputs")
    print("   h | per seed                                   | range")
    overall = []
    for h in (16, 32, 64, 128, 256):
        gaps = []
        for seed in range(SEEDS):
            torch.manual_seed(seed)
            gru = torch.nn.GRU(D, h).double()
            X = torch.randn(T, N, D, dtype=torch.float64)
            with torch.no_grad():
                gaps.append(float((gru(X)[0] - reset_before(gru, X)).abs().max()))
        overall += gaps
        print(f"{h:4d} | {' '.join(f'{g:.3f}' for g in gaps)}          | {min(gaps):.3f}-{max(gaps):.3f}")
    print(f"all: {min(overall):.3f}-{max(overall):.3f}")


if __name__ == "__main__":
    main()
