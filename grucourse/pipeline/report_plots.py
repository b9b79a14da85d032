"""Report figures as PNG: score distribution per assignment, pass rate per hidden check."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the file-only backend)
from matplotlib.ticker import MaxNLocator  # noqa: E402

from grucourse.pipeline.report_data import CheckRow, ScoreRow  # noqa: E402


def score_histogram(rows: list[ScoreRow], assignment: str, out: Path) -> Path:
    scores = [r.score for r in rows if r.assignment == assignment]
    top = max((r.max_score for r in rows if r.assignment == assignment), default=1.0) or 1.0
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.hist(scores, bins=min(20, max(5, int(top) + 1)), range=(0, top), color="#4477aa", edgecolor="white")
    ax.set(title=f"{assignment}: scores of {len(scores)} submissions", xlabel=f"score (max {top:g})",
           ylabel="students")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    return _save(fig, out / f"{assignment}_scores.png")


def check_pass_rates(rows: list[CheckRow], assignment: str, out: Path) -> Path | None:
    """Share of submissions passing each check: the checks most students fail are the hard parts."""
    outcomes: dict[str, list[bool]] = defaultdict(list)
    for r in rows:
        if r.assignment == assignment:
            outcomes[f"{r.grade_id} / {r.check}"].append(r.passed)
    if not outcomes:
        return None
    names = sorted(outcomes)
    rates = [100 * sum(outcomes[n]) / len(outcomes[n]) for n in names]
    fig, ax = plt.subplots(figsize=(10, 0.3 * len(names) + 1.2))
    ax.barh(names, rates, color="#228833")
    ax.invert_yaxis()
    ax.set(title=f"{assignment}: pass rate per check", xlabel="% of submissions passing", xlim=(0, 100))
    ax.tick_params(axis="y", labelsize=7)
    return _save(fig, out / f"{assignment}_checks.png")


def _save(fig: plt.Figure, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
