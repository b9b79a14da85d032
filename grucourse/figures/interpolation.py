"""The update as an interpolation, and the three situations the gates exist for, computed with the
reference GRU's own functions (`grucourse.gru.reference`), so the pictures follow the equations."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from grucourse.figures.draw import ACCENT, FONT_SIZE, MUTED, png_bytes
from grucourse.gru import reference as ref

H_PREV, H_TILDE = -0.6, 0.8

# One unit, one input feature: W_h and U_h are 1 x 1. The gates are set by hand per step, to show
# what each value does: an early token taken (Z = 1), fillers skipped (Z near 0), a break where the
# reset gate drops the old state from the candidate (R = 0) and the update takes that candidate.
W_H, U_H = np.array([[1.4]]), np.array([[1.2]])
TOKENS = np.array([1.0, 0.3, -0.8, 0.5, -0.4, 0.9, -0.6, -1.0, 0.2, -0.3, 0.6, -0.5])
Z_STEPS = np.array([0.95] + [0.04] * 6 + [0.95] + [0.04] * 4)
R_STEPS = np.array([1.0] * 7 + [0.0] + [1.0] * 4)


def scenario() -> dict[str, np.ndarray]:
    """States, candidates and the candidate the break would have had without the reset."""
    states, candidates, unreset = [], [], []
    H = np.zeros((1, 1))
    for x, z, r in zip(TOKENS, Z_STEPS, R_STEPS, strict=True):
        X_t = np.array([[x]])
        H_tilde = ref.candidate_hidden_state(X_t, H, np.array([[r]]), W_H, U_H, np.zeros(1))
        unreset.append(ref.candidate_hidden_state(X_t, H, np.ones((1, 1)), W_H, U_H, np.zeros(1))[0, 0])
        H = ref.hidden_state(H, np.array([[z]]), H_tilde)
        candidates.append(H_tilde[0, 0])
        states.append(H[0, 0])
    return {"H": np.array(states), "H_tilde": np.array(candidates), "without_reset": np.array(unreset)}


def interpolation_png() -> bytes:
    """Left: H_t against Z_t for fixed H_prev and H_tilde. Right: the gates at work on a sequence."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.0, 5.0), gridspec_kw={"width_ratios": [1, 1.5]})
    Z = np.linspace(0.0, 1.0, 101)
    H = ref.hidden_state(np.full_like(Z, H_PREV), Z, np.full_like(Z, H_TILDE))
    left.plot(Z, H, color=ACCENT, linewidth=2.5)
    left.axhline(H_PREV, color=MUTED, linestyle="--")
    left.axhline(H_TILDE, color=MUTED, linestyle="--")
    left.annotate(r"$Z_t = 0$: keeps $H_{t-1}$", (0, H_PREV), (0.08, H_PREV - 0.22), fontsize=FONT_SIZE)
    left.annotate(r"$Z_t = 1$: takes $\tilde H_t$", (1, H_TILDE), (0.33, H_TILDE + 0.1), fontsize=FONT_SIZE)
    left.set(xlabel=r"update gate $Z_t$", ylabel=r"$H_t = (1 - Z_t)\,H_{t-1} + Z_t\,\tilde H_t$",
             ylim=(-1.0, 1.15), title=rf"one unit, $H_{{t-1}} = {H_PREV}$, $\tilde H_t = {H_TILDE}$")
    _scenario_panel(right, scenario())
    for ax in (left, right):
        ax.title.set_fontsize(FONT_SIZE)
        ax.xaxis.label.set_fontsize(FONT_SIZE)
        ax.yaxis.label.set_fontsize(FONT_SIZE)
        ax.tick_params(labelsize=FONT_SIZE - 1)
    fig.tight_layout()
    return png_bytes(fig)


def _scenario_panel(ax: plt.Axes, run: dict[str, np.ndarray]) -> None:
    t = np.arange(1, len(TOKENS) + 1)
    ax.plot(t, run["H"], "-o", color=ACCENT, linewidth=2.5, label=r"state $H_t$")
    ax.plot(t, run["H_tilde"], "s", color="#cc6677", markersize=7, label=r"candidate $\tilde H_t$")
    ax.plot(8, run["without_reset"][7], "x", color="#cc6677", markersize=9, markeredgewidth=2,
            label=r"candidate at $t = 8$ had $R_t$ been 1")
    ax.bar(t, Z_STEPS, bottom=-1.0, width=0.5, color=MUTED, alpha=0.6, label=r"$Z_t$ (bars from $-1$)")
    ax.annotate("take the\nfirst token", (1, run["H"][0]), (1.3, -0.55), fontsize=FONT_SIZE - 1,
                arrowprops={"arrowstyle": "->", "color": MUTED})
    ax.text(4.5, 1.08, r"skip fillers: $Z_t \approx 0$", ha="center", fontsize=FONT_SIZE - 1)
    ax.text(8, 1.08, r"break: $R_t = 0$", ha="center", fontsize=FONT_SIZE - 1)
    ax.set(xlabel="time step t", ylim=(-1.0, 1.25), xticks=t, title="the gates on a sequence")
    ax.legend(fontsize=FONT_SIZE - 2, loc="upper center", bbox_to_anchor=(0.5, -0.17), ncol=2, frameon=False)
