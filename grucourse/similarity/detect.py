"""Ranks pairs of documents by shared code and flags those a human should look at."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from grucourse.similarity.fingerprints import Document, Settings
from grucourse.similarity.overlap import overlaps


@dataclass(frozen=True)
class Options:
    """When a pair is flagged for review.

    threshold: share of either document's own code found in the other (catches whole copies).
    min_run: longest shared stretch of normalised code, in filtered characters (catches one
    copied function inside otherwise original work, which is a small share of the notebook).
    """

    threshold: float = 0.5
    min_run: int = 70
    settings: Settings = field(default_factory=Settings)

    def flags(self, pair: "Pair") -> bool:
        return pair.max >= self.threshold or pair.longest_run >= self.min_run


@dataclass(frozen=True)
class Pair:
    """Overlap of two documents; similarity_a is the share of a's own code (template and
    expected code removed) that also appears in b."""

    a: Document
    b: Document
    similarity_a: float
    similarity_b: float
    longest_run: int

    @property
    def max(self) -> float:
        return max(self.similarity_a, self.similarity_b)

    @property
    def mean(self) -> float:
        return (self.similarity_a + self.similarity_b) / 2


def _comparable(documents: list[Document]) -> np.ndarray:
    """Upper-triangle pairs, archive entries compared with submissions but not with each other."""
    archived = np.array([doc.archived for doc in documents], dtype=bool)
    return np.triu(~np.logical_and.outer(archived, archived), k=1)


def rank(documents: list[Document], options: Options) -> list[Pair]:
    """Every pair with shared code, most similar first (by max, then mean, then longest run)."""
    if len(documents) < 2:
        return []
    overlap = overlaps([doc.fingerprint.hash_idx for doc in documents], options.settings.k)
    sim, run = overlap.similarity, np.maximum(overlap.longest_run, overlap.longest_run.T)
    rows, cols = np.nonzero(_comparable(documents) & ((sim > 0) | (sim.T > 0)))
    sim_a, sim_b = sim[rows, cols], sim[cols, rows]
    order = np.lexsort((-run[rows, cols], -(sim_a + sim_b), -np.maximum(sim_a, sim_b)))
    return [
        Pair(documents[i], documents[j], float(sim[i, j]), float(sim[j, i]), int(run[i, j]))
        for i, j in zip(rows[order].tolist(), cols[order].tolist())
    ]
