"""minGRU's recurrence h_t = a_t h_{t-1} + b_t as a prefix scan (Hillis and Steele's doubling
scheme): after level k every position holds the combined step of the last 2^k inputs, so T
steps take log2(T) levels. `scan_levels` runs that scheme on numbers (tests compare it with the
loop); the figure draws which steps each of its nodes has combined."""
from __future__ import annotations

import numpy as np

from grucourse.figures.draw import ACCENT, FONT_SIZE, MUTED, diagram_axes, png_bytes

STEPS = 8


def combine(first: tuple[float, float], then: tuple[float, float]) -> tuple[float, float]:
    """Two steps h -> a h + b, `first` then `then`, as one: (a1 a2, a2 b1 + b2)."""
    return first[0] * then[0], then[0] * first[1] + then[1]


def scan_levels(a: np.ndarray, b: np.ndarray) -> list[list[tuple[float, float]]]:
    """The doubling scan's values, level by level; position t of the last level maps h_0 to h_t."""
    levels = [[(float(x), float(y)) for x, y in zip(a, b, strict=True)]]
    shift = 1
    while shift < len(a):
        last = levels[-1]
        levels.append([combine(last[t - shift], last[t]) if t >= shift else last[t] for t in range(len(a))])
        shift *= 2
    return levels


def scan_png() -> bytes:
    """The scan for T = 8: which steps each node has combined, and which two nodes it reads."""
    fig, d = diagram_axes(10.0, 5.0, frozenset())
    depth = int(np.log2(STEPS))
    x_of = lambda t: 1.6 + 1.1 * t  # noqa: E731
    y_of = lambda level: 4.6 - 1.15 * level  # noqa: E731
    for level in range(depth + 1):
        shift = 2 ** (level - 1) if level else 0
        d.ax.text(0.1, y_of(level), "input" if level == 0 else f"level {level}\n(reads t - {shift})",
                  fontsize=FONT_SIZE - 1, va="center")
        for t in range(STEPS):
            first = max(0, t - 2 ** level + 1)
            span = f"{t + 1}" if first == t else f"{first + 1}..{t + 1}"
            final = level == depth
            d.ax.text(x_of(t), y_of(level), span, ha="center", va="center", fontsize=FONT_SIZE - 1,
                      color="white" if final else "black",
                      bbox={"boxstyle": "round,pad=0.3", "facecolor": ACCENT if final else "white",
                            "edgecolor": ACCENT})
            if level:
                d.wire([(x_of(t), y_of(level - 1) - 0.25), (x_of(t), y_of(level) + 0.25)], "all")
                if t >= shift:
                    d.ax.annotate("", xy=(x_of(t) - 0.1, y_of(level) + 0.25),
                                  xytext=(x_of(t - shift) + 0.1, y_of(level - 1) - 0.25),
                                  arrowprops={"arrowstyle": "-|>", "color": MUTED, "linewidth": 1.4})
    d.ax.text(0.1, 0.1, r"minGRU: $a_t = 1 - z_t$, $b_t = z_t \odot \tilde h_t$. Node $i..t$ holds the step $h_{i-1} \mapsto h_t$ as one pair $(A, B)$;"
              r" $(a_1, b_1)$ then $(a_2, b_2)$ is $(a_1 a_2,\ a_2 b_1 + b_2)$."
              "\nLast row: $h_t = A\\,h_0 + B$ for every $t$ after $\\log_2 8 = 3$ levels instead of 8 steps.",
              fontsize=FONT_SIZE - 1, va="bottom")
    return png_bytes(fig)
