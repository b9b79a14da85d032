"""Shared drawing primitives: a node, an arrow along a polyline, deterministic PNG bytes."""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the file-only backend)
from matplotlib.patches import Circle, FancyBboxPatch  # noqa: E402

ACCENT, MUTED, TEXT = "#1f5fa8", "#b0b0b0", "#222222"
FONT_SIZE = 12
DPI = 85


@dataclass(frozen=True)
class Diagram:
    """An axes in data units where `active` elements are drawn in the accent colour, the rest muted."""

    ax: plt.Axes
    active: frozenset[str]

    def colour(self, group: str) -> str:
        return ACCENT if group in self.active or not self.active else MUTED

    def box(self, x: float, y: float, text: str, group: str, width: float = 1.3, height: float = 0.8) -> None:
        colour = self.colour(group)
        self.ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                         boxstyle="round,pad=0.02,rounding_size=0.12",
                                         facecolor="white", edgecolor=colour, linewidth=2))
        self.ax.text(x, y, text, ha="center", va="center", fontsize=FONT_SIZE, color=TEXT if colour == ACCENT else MUTED)

    def op(self, x: float, y: float, text: str, group: str, radius: float = 0.25) -> None:
        colour = self.colour(group)
        self.ax.add_patch(Circle((x, y), radius, facecolor="white", edgecolor=colour, linewidth=2))
        self.ax.text(x, y, text, ha="center", va="center", fontsize=FONT_SIZE, color=colour)

    def wire(self, points: list[tuple[float, float]], group: str, head: bool = True, dashed: bool = False) -> None:
        """A polyline from the first point to the last, with an arrowhead at the end."""
        colour = self.colour(group)
        xs, ys = zip(*points, strict=True)
        style = "--" if dashed else "-"
        self.ax.plot(xs[:-1] + (xs[-1],), ys[:-1] + (ys[-1],), style, color=colour, linewidth=1.8,
                     solid_capstyle="butt")
        if head:
            self.ax.annotate("", xy=points[-1], xytext=points[-2],
                             arrowprops={"arrowstyle": "-|>", "color": colour, "linewidth": 1.8,
                                         "shrinkA": 0, "shrinkB": 0, "mutation_scale": 16})

    def label(self, x: float, y: float, text: str, group: str, **kwargs: Any) -> None:
        colour = self.colour(group)
        self.ax.text(x, y, text, fontsize=FONT_SIZE, color=TEXT if colour == ACCENT else MUTED, **kwargs)


def diagram_axes(width: float, height: float, active: frozenset[str]) -> tuple[plt.Figure, Diagram]:
    """A figure of `width` x `height` inches whose data units are inches, axes hidden."""
    fig = plt.figure(figsize=(width, height))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, Diagram(ax, active)


def png_bytes(fig: plt.Figure) -> bytes:
    """The figure as PNG at natural size, without a timestamp or version: same code, same bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()
