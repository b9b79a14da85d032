"""Every pair's overlap at once, from copydetect's fingerprints, with numpy.

copydetect's own comparison (`compare_files`) costs most of a millisecond per pair, and a class
has n(n-1)/2 pairs. Its numbers are simple to state, though: the share of document i's
fingerprinted characters that lie in a k-gram whose hash also occurs in document j. So for each
document i this module looks up, for all other documents at once, which of i's fingerprint
positions they share (an inverted index: a document-by-hash membership matrix), widens each
shared position to its k characters with a running sum, and counts. The result equals
`compare_files` (tests check this); copydetect is still used to fingerprint and, for the pairs
shown to a reader, to locate and highlight the shared regions.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Overlap:
    """similarity[i, j]: share of i's own code also found in j; longest_run[i, j]: longest
    stretch of i (in filtered characters) covered by k-grams shared with j."""

    similarity: np.ndarray
    longest_run: np.ndarray


def _membership(hash_positions: Sequence[Mapping[int, list[int]]]) -> tuple[np.ndarray, list[np.ndarray]]:
    """members[j, c]: document j has hash column c; columns[i]: column of each hash of i (-1 if
    no other document has it)."""
    n = len(hash_positions)
    hashes = np.fromiter((h for doc in hash_positions for h in doc), dtype=np.int64)
    owner = np.repeat(np.arange(n), [len(doc) for doc in hash_positions])
    _, column, frequency = np.unique(hashes, return_inverse=True, return_counts=True)
    shared = frequency[column] >= 2
    dense = np.full(len(hashes), -1)
    dense[shared] = np.unique(column[shared], return_inverse=True)[1]
    members = np.zeros((n, int(dense.max(initial=-1)) + 1), dtype=bool)
    members[owner[shared], dense[shared]] = True
    bounds = np.cumsum([0] + [len(doc) for doc in hash_positions])
    return members, [dense[bounds[i]:bounds[i + 1]] for i in range(n)]


def _longest_true_run(covered: np.ndarray) -> np.ndarray:
    """Per row, the length of the longest run of True."""
    rows, width = covered.shape
    padded = np.zeros((rows, width + 2), dtype=np.int8)
    padded[:, 1:-1] = covered
    edges = np.flatnonzero(np.diff(padded.ravel()))  # alternating run starts and ends
    starts, ends = edges[0::2], edges[1::2]
    longest = np.zeros(rows, dtype=np.int64)
    np.maximum.at(longest, starts // (width + 2), ends - starts)
    return longest


def _row(doc: Mapping[int, list[int]], hash_columns: np.ndarray, members: np.ndarray, k: int):
    """Similarity and longest run of one document against every document."""
    n = members.shape[0]
    positions = np.fromiter((p for ps in doc.values() for p in ps), dtype=np.int64)
    column = np.repeat(hash_columns, [len(ps) for ps in doc.values()])
    known = column >= 0
    starts = np.zeros((n + 1, int(positions.max()) + k + 1), dtype=np.int32)  # last row: doc itself
    starts[:n, positions[known] + 1] = members[:, column[known]]
    starts[n, positions + 1] = 1
    running = np.cumsum(starts, axis=1)
    # character x is covered when a shared k-gram starts at one of x-k+1 .. x
    covered = np.concatenate([running[:, 1:k] > 0, (running[:, k:] - running[:, :-k]) > 0], axis=1)
    counts = covered.sum(axis=1)
    return counts[:n] / counts[n], _longest_true_run(covered[:n])


def overlaps(hash_positions: Sequence[Mapping[int, list[int]]], k: int) -> Overlap:
    """Overlap of every pair of documents, given each one's copydetect `hash_idx`."""
    n = len(hash_positions)
    members, columns = _membership(hash_positions)
    similarity = np.zeros((n, n))
    longest_run = np.zeros((n, n), dtype=np.int64)
    for i, doc in enumerate(hash_positions):
        if doc:
            similarity[i], longest_run[i] = _row(doc, columns[i], members, k)
    np.fill_diagonal(similarity, 0.0)
    np.fill_diagonal(longest_run, 0)
    return Overlap(similarity, longest_run)
