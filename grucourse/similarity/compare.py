"""Where two documents overlap, in their raw code, for the side-by-side page."""
from __future__ import annotations

import numpy as np
from copydetect import compare_files

from grucourse.similarity.fingerprints import Document


def shared_regions(a: Document, b: Document) -> tuple[np.ndarray, np.ndarray]:
    """2xN start/end offsets of the shared regions in a's and in b's raw code."""
    _, _, (slices_a, slices_b) = compare_files(a.fingerprint, b.fingerprint)
    return slices_a, slices_b
