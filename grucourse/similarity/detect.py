"""Ranks pairs of documents by rare shared code and flags those a human should look at."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from grucourse.similarity.fingerprints import Document
from grucourse.similarity.overlap import overlaps
from grucourse.similarity.settings import Options


@dataclass(frozen=True)
class Pair:
    """Overlap of two documents in rare k-grams: similarity_a is the share of a's own code
    (template and solution removed) that also appears in b; shared, the normalised characters
    of the larger side; stretches, how many separate stretches; others, the mean share of the
    rest of the class that also has each shared k-gram."""

    a: Document
    b: Document
    similarity_a: float
    similarity_b: float
    longest_run: int
    stretches: int
    shared: int
    others: float
    counted: np.ndarray = field(compare=False, repr=False)  # the class's counted k-gram hashes

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
    """Every pair with rare shared code, most similar first (by max, then mean, then longest run)."""
    if len(documents) < 2:
        return []
    overlap = overlaps(documents, options.settings.k, options.max_frequency(len(documents)))
    sim, run = overlap.similarity, np.maximum(overlap.longest_run, overlap.longest_run.T)
    own = overlap.own
    shared = np.maximum(np.rint(sim * own[:, None]), np.rint(sim.T * own[None, :])).astype(np.int64)
    stretches = np.maximum(overlap.stretches, overlap.stretches.T)
    rows, cols = np.nonzero(_comparable(documents) & ((sim > 0) | (sim.T > 0)))
    sim_a, sim_b = sim[rows, cols], sim[cols, rows]
    order = np.lexsort((-run[rows, cols], -(sim_a + sim_b), -np.maximum(sim_a, sim_b)))
    return [
        Pair(documents[i], documents[j], float(sim[i, j]), float(sim[j, i]), int(run[i, j]),
             int(stretches[i, j]), int(shared[i, j]), float(overlap.others[i, j]), overlap.counted)
        for i, j in zip(rows[order].tolist(), cols[order].tolist(), strict=True)
    ]

