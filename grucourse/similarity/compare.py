"""Where two documents share counted code, in their raw code, for the side-by-side page."""
from __future__ import annotations

import numpy as np

from grucourse.similarity.detect import Pair
from grucourse.similarity.fingerprints import Document


def _regions(doc: Document, hashes: np.ndarray, k: int) -> np.ndarray:
    """2xN raw start/end offsets of the doc's stretches covered by the given k-grams, split at
    cell boundaries (a stretch never runs from one cell into the next)."""
    covered = np.zeros(doc.length, dtype=bool)
    for start in doc.starts[np.isin(doc.hashes, hashes)]:
        covered[start:start + k] = True
    spans: list[tuple[int, int]] = []
    ends = [*doc.bounds[1:], doc.length]
    for cell, (begin, end) in enumerate(zip(doc.bounds, ends, strict=True)):
        edges = begin + np.flatnonzero(np.diff(np.concatenate([[0], covered[begin:end].astype(np.int8), [0]])))
        raw = doc.raw_of[np.minimum(edges, doc.length)]
        raw[edges == end] = doc.raw_starts[cell] + len(doc.cells[cell])  # the end of this cell, not the next
        spans += zip(raw[0::2].tolist(), raw[1::2].tolist(), strict=True)
    return np.array(spans, dtype=np.int64).reshape(-1, 2).T



def shared_regions(pair: Pair, k: int) -> tuple[np.ndarray, np.ndarray]:
    """2xN raw start/end offsets of the code each side shares with the other (counted k-grams)."""
    both = np.intersect1d(np.intersect1d(pair.a.hashes, pair.b.hashes), pair.counted)
    return _regions(pair.a, both, k), _regions(pair.b, both, k)
