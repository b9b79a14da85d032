"""k-gram fingerprints of code, one cell at a time (Schleimer, Wilkerson, Aiken, *Winnowing*,
SIGMOD 2003), with copydetect's normalisation.

copydetect's `filter_code` tokenizes with pygments, replaces every identifier by one letter and
drops comments and whitespace; every k-gram of what is left is hashed. A document's fingerprint
is the set of those hashes, so renaming variables, re-commenting, re-indenting or reordering
functions changes only the few k-grams that straddle a boundary.

Each notebook cell is hashed on its own, so no k-gram straddles two cells: a k-gram made of the
end of one template cell and the start of the next is in no template cell and could never be
subtracted. The k-grams of the template and of the instructor's solution (hashed the same way,
cell by cell) are removed wherever they occur.

Python's string hash is salted per process: fingerprints are compared only within one run.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from copydetect.utils import filter_code, hashed_kgrams

from grucourse.similarity.settings import Settings

LANGUAGE = "python"
CELL_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Cell:
    """One cell's normalised text, the hash of each of its k-grams, and where each normalised
    character starts in the raw source (one entry more than the text, for slice ends)."""

    hashes: np.ndarray
    length: int
    raw_of: np.ndarray


@dataclass
class Document:
    """One piece of code under comparison: a submission or an archive entry.

    hashes[i] is the k-gram starting at normalised position starts[i]; template and solution
    k-grams are already removed. length is the whole normalised text (cells end to end), bounds
    where each cell starts in it, raw_of the raw offset in `code` of each normalised position."""

    label: str
    path: Path
    cells: list[str]
    hashes: np.ndarray
    starts: np.ndarray
    length: int
    bounds: np.ndarray
    raw_starts: np.ndarray
    raw_of: np.ndarray
    archived: bool = False

    @property
    def code(self) -> str:
        return CELL_SEPARATOR.join(self.cells)


def hash_cell(source: str, k: int) -> Cell:
    """copydetect's normalisation and k-gram hashes of one cell."""
    filtered, offsets = filter_code(source, "cell.py", LANGUAGE)
    hashes = np.asarray(hashed_kgrams(filtered, k), dtype=np.int64)
    positions = np.arange(len(filtered) + 1)
    if len(offsets):  # copydetect's own mapping back to the raw text (compare_files)
        index = np.clip(np.searchsorted(offsets[:, 0], positions), 0, len(offsets) - 1)
        positions = positions + offsets[:, 1][index]
    return Cell(hashes, len(filtered), np.minimum(positions, len(source)))


def boilerplate_hashes(cells: list[str], settings: Settings) -> np.ndarray:
    """Every k-gram hash of the given cells (template or solution), to be removed from documents."""
    hashes = [hash_cell(cell, settings.k).hashes for cell in cells]
    return np.unique(np.concatenate([np.array([], dtype=np.int64), *hashes]))


def document(
    label: str, path: Path, cells: list[str], settings: Settings, boilerplate: np.ndarray, archived: bool = False
) -> Document:
    """The document's k-grams cell by cell, end to end, boilerplate removed."""
    hashes, starts, raw_of = [np.array([], dtype=np.int64)], [np.array([], dtype=np.int64)], []
    normalised = raw = 0
    bounds, raw_starts = [], []
    for source in cells:
        bounds.append(normalised)
        raw_starts.append(raw)
        cell = hash_cell(source, settings.k)
        hashes.append(cell.hashes)
        starts.append(normalised + np.arange(len(cell.hashes)))
        raw_of.append(raw + cell.raw_of[:-1])
        normalised += cell.length
        raw += len(source) + len(CELL_SEPARATOR)
    raw_of.append(np.array([max(raw - len(CELL_SEPARATOR), 0)]))
    all_hashes, all_starts = np.concatenate(hashes), np.concatenate(starts)
    keep = ~np.isin(all_hashes, boilerplate)
    return Document(label, path, cells, all_hashes[keep], all_starts[keep], normalised,
                    np.array(bounds, dtype=np.int64), np.array(raw_starts, dtype=np.int64),
                    np.concatenate(raw_of), archived)
