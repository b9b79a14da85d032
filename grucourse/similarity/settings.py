"""What counts as shared code and when a pair is flagged: plain values, cheap to import (the
CLI shows the defaults in its help)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from grucourse.similarity.detect import Pair


@dataclass(frozen=True)
class Settings:
    """k: shortest match that counts, in normalised characters (copydetect's noise threshold).
    Every k-gram is kept (winnowing window 1): a stretch of k shared characters is always seen."""

    k: int = 25


@dataclass(frozen=True)
class Options:
    """Which shared code counts, and when a pair is flagged for review (docs/similarity.md
    shows the measurements these defaults come from).

    common_share, common_min: a k-gram that more than max(common_min, common_share x documents)
    documents have is common, and counts for no pair (MOSS's -m).
    A pair is flagged when at least `threshold` of either side's own code is in the other and
    they share at least `min_shared` normalised characters of it. The longest shared stretch is
    reported but flags nothing: one function two students both write the way everyone would is
    as long as a copied one (measured).
    """

    threshold: float = 0.5
    min_shared: int = 170
    common_share: float = 0.05
    common_min: int = 10
    settings: Settings = field(default_factory=Settings)

    def max_frequency(self, documents: int) -> int:
        return max(self.common_min, int(self.common_share * documents))

    def flags(self, pair: Pair) -> bool:
        return pair.shared >= self.min_shared and pair.max >= self.threshold
