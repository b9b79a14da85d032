"""The one precision at which scores are written: the gradebook, reports, exports, LMS files.

A cell scores `points * passed weight / total weight`, and totals are float sums, so raw values
such as 6.000001 or 0.6666666666 reach every file that shows a score. Moodle and Canvas both
keep two decimals, so every score the course writes is rounded to `DECIMALS` places, half away
from zero on the decimal value (0.125 -> 0.13, as a spreadsheet or the LMS would round it).
A total of rounded cell scores is then exact at that precision too.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

DECIMALS = 2
_QUANTUM = Decimal(1).scaleb(-DECIMALS)


def round_score(value: float) -> float:
    """`value` at DECIMALS places (never -0.0)."""
    return float(Decimal(repr(float(value))).quantize(_QUANTUM, rounding=ROUND_HALF_UP)) + 0.0


def format_score(value: float) -> str:
    """`value` as text with exactly DECIMALS places and a '.' separator: '6.00', '0.67'."""
    return f"{round_score(value):.{DECIMALS}f}"
