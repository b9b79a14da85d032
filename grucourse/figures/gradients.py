"""Where the gradient of a late loss travels in a GRU: the diagram of the two paths from H_t back to
H_{t-1}, and their measured strength, from the reference BPTT (`grucourse.gru.reference`)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from grucourse.figures.draw import ACCENT, FONT_SIZE, diagram_axes, png_bytes
from grucourse.gru import reference as ref

GATE_PATH = "#cc6677"
T, D, H = 40, 3, 8


def gradient_paths_png() -> bytes:
    """Three steps of BPTT: the direct path (1 - Z) along the top, the paths through the gates below."""
    fig, d = diagram_axes(10.0, 3.6, frozenset())
    xs = (1.0, 4.0, 7.0, 9.5)
    names = (r"$H_{t-2}$", r"$H_{t-1}$", r"$H_t$")
    for x, name in zip(xs[:3], names, strict=True):
        d.box(x, 2.4, name, "all", width=1.1, height=0.7)
    d.ax.text(xs[3], 2.4, "from the\nloss", ha="center", va="center", fontsize=FONT_SIZE)
    d.wire([(xs[3] - 0.6, 2.4), (xs[2] + 0.55, 2.4)], "all")
    for left, right in zip(xs[:2], xs[1:3], strict=True):
        d.ax.annotate("", xy=(left + 0.55, 2.55), xytext=(right - 0.55, 2.55),
                      arrowprops={"arrowstyle": "-|>", "color": ACCENT, "linewidth": 2.5, "mutation_scale": 18})
        d.ax.text((left + right) / 2, 2.75, r"$\odot\,(1 - Z_t)$", ha="center", va="bottom",
                  fontsize=FONT_SIZE, color=ACCENT)
        d.ax.annotate("", xy=(left + 0.3, 2.05), xytext=(right - 0.3, 2.05),
                      arrowprops={"arrowstyle": "-|>", "color": GATE_PATH, "linewidth": 1.8, "mutation_scale": 16,
                                  "connectionstyle": "arc3,rad=-0.45"})
        d.ax.text((left + right) / 2, 1.45, r"$\sigma'$, $\tanh'$, $U_z^\top, U_r^\top, U_h^\top$",
                  ha="center", va="top", fontsize=FONT_SIZE - 1, color=GATE_PATH)
    d.ax.text(0.2, 3.35, "direct path: no weight matrix, no derivative of a squashing function",
              fontsize=FONT_SIZE, color=ACCENT, va="top")
    d.ax.text(0.2, 0.25, "paths through the gates and the candidate", fontsize=FONT_SIZE, color=GATE_PATH)
    return png_bytes(fig)


def experiment_params() -> dict[str, np.ndarray]:
    """The GRU of gru_bptt's experiment: `random_params(3, 8, np.random.default_rng(5))`."""
    rng = np.random.default_rng(5)
    params = {}
    for gate in "rzh":
        params[f"W_{gate}"] = 0.5 * rng.standard_normal((D, H))
        params[f"U_{gate}"] = 0.5 * rng.standard_normal((H, H))
        params[f"b_{gate}"] = 0.5 * rng.standard_normal((1, H))
    return params


def reach(b_z: float) -> dict[str, np.ndarray]:
    """||dL/dH_t|| and ||dL/dX_t|| for L = sum(H_T), the input of gru_bptt's experiment (seed 0)."""
    params = dict(experiment_params(), b_z=np.full((1, H), b_z))
    rng = np.random.default_rng(0)
    X, H0 = rng.standard_normal((T, 1, D)), np.zeros((1, H))
    dH = np.zeros((T, 1, H))
    dH[-1] = 1.0
    dX, _, _ = ref.gru_backward(dH, X, H0, params)
    states = ref.gru_forward(X, H0, params)
    # dL/dH_t for t < T is dL/dH0 of the rest of the sequence started from H_t
    d_state = [float(np.linalg.norm(ref.gru_backward(dH[t + 1:], X[t + 1:], states[t], params)[1]))
               for t in range(T - 1)] + [float(np.linalg.norm(dH[-1]))]
    return {"dX": np.linalg.norm(dX.reshape(T, -1), axis=1), "dH": np.array(d_state)}


def gradient_reach_png() -> bytes:
    """The experiment's two GRUs, b_z = +4 (Z near 1) and -4 (Z near 0): state and input gradients."""
    fig, axes = plt.subplots(1, 2, figsize=(10.0, 4.0), sharex=True)
    t = np.arange(1, T + 1)
    for b_z, colour, name in ((4.0, GATE_PATH, r"$b_z = +4$: $Z \approx 1$, takes the candidate"),
                              (-4.0, ACCENT, r"$b_z = -4$: $Z \approx 0$, copies the state")):
        run = reach(b_z)
        axes[0].semilogy(t, run["dH"], color=colour, linewidth=2.2, label=name)
        axes[1].semilogy(t, run["dX"], color=colour, linewidth=2.2, label=name)
    axes[0].set(title=r"$\|\partial L / \partial H_t\|$: what reaches the state", xlabel="time step t")
    axes[1].set(title=r"$\|\partial L / \partial X_t\|$: what reaches the input", xlabel="time step t")
    for ax in axes:
        ax.grid(True, which="major", alpha=0.3)
        ax.title.set_fontsize(FONT_SIZE)
        ax.xaxis.label.set_fontsize(FONT_SIZE)
        ax.tick_params(labelsize=FONT_SIZE - 1)
    axes[0].legend(fontsize=FONT_SIZE - 2, loc="lower right")
    fig.suptitle(r"loss $L = \sum H_T$ reads only the last state ($T = 40$, $h = 8$)", fontsize=FONT_SIZE)
    fig.tight_layout()
    return png_bytes(fig)
