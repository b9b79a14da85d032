"""Report figures as PNG, drawn to be shown at their natural size (at most 900 px wide, labels of
11 pt or more): score distribution per assignment, mean share of points per graded cell."""
from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the file-only backend)
from matplotlib.ticker import MaxNLocator  # noqa: E402

from grucourse.pipeline.report_data import ScoreRow  # noqa: E402
from grucourse.pipeline.report_summary import CellSummary  # noqa: E402

WIDTH_INCHES, DPI, FONT = 9.0, 100, 11
"""900 px wide: the page shows them unscaled (its column is wider)."""


def score_histogram(rows: list[ScoreRow], assignment: str, out: Path) -> Path:
    scores = [r.score for r in rows if r.assignment == assignment]
    top = max((r.max_score for r in rows if r.assignment == assignment), default=1.0) or 1.0
    fig, ax = plt.subplots(figsize=(WIDTH_INCHES, 2.8))
    ax.hist(scores, bins=min(20, max(5, int(top) + 1)), range=(0, top), color="#4477aa", edgecolor="white")
    ax.set(title=f"{assignment}: scores of {len(scores)} submissions", xlabel=f"score (max {top:g})",
           ylabel="submissions")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    return _save(fig, ax, out / f"{assignment}_scores.png")


def cell_score_chart(cells: list[CellSummary], assignment: str, out: Path) -> Path | None:
    """Mean share of the points of each graded cell: the functions most students lose points on."""
    shown = [c for c in cells if c.assignment == assignment]
    if not shown:
        return None
    fig, ax = plt.subplots(figsize=(WIDTH_INCHES, 0.42 * len(shown) + 1.3))
    labels = ["\n".join(textwrap.wrap(c.title, 36)) for c in shown]
    bars = ax.barh(labels, [c.percent for c in shown], color="#228833")
    ax.bar_label(bars, fmt="%.0f%%", padding=3, fontsize=FONT)
    ax.invert_yaxis()
    ax.set(title=f"{assignment}: mean share of the points, per graded cell", xlabel="% of the cell's points",
           xlim=(0, 109))
    return _save(fig, ax, out / f"{assignment}_cells.png")


def _save(fig: plt.Figure, ax: plt.Axes, path: Path) -> Path:
    ax.title.set_fontsize(FONT + 1)
    ax.xaxis.label.set_fontsize(FONT)
    ax.yaxis.label.set_fontsize(FONT)
    ax.tick_params(labelsize=FONT)
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path
