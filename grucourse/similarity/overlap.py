"""Every pair's overlap at once, counting only k-grams that are rare in the class.

A k-gram that many documents have (a central-difference loop, a global-norm clip, the first
line everyone writes after the template's docstring) is what a correct answer looks like, and
evidence of nothing; MOSS drops such passages too (its `-m` option). Here a k-gram counts for a
pair only when at most `max_frequency` documents have it.

For each document i, an inverted index (document-by-k-gram membership matrix) gives which of
i's k-gram positions every other document shares; a running sum widens each to its k
characters, and the covered characters are counted, measured in runs and in stretches. With
`max_frequency` at least the class size, `similarity` is copydetect's `compare_files` similarity
of the two documents (tests check this).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from grucourse.similarity.fingerprints import Document


@dataclass(frozen=True)
class Overlap:
    """For documents i and j, counting only k-grams both have and at most max_frequency have:

    similarity[i, j]: share of i's own code (what its k-grams cover) covered by those k-grams;
    longest_run[i, j], stretches[i, j]: the longest covered stretch of i (normalised characters)
    and the number of separate stretches;
    others[i, j]: the mean, over those k-grams, of the share of the *other* documents that have
    it too (0: nobody else writes any of it);
    own[i]: normalised characters of i covered by its own k-grams (the denominator);
    counted: the hashes that count (sorted)."""

    similarity: np.ndarray
    longest_run: np.ndarray
    stretches: np.ndarray
    others: np.ndarray
    own: np.ndarray
    counted: np.ndarray


def _membership(
    documents: Sequence[Document], max_frequency: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[np.ndarray]]:
    """members[j, c]: document j has counted k-gram c; frequency[c]: how many documents have it;
    counted[c]: its hash; columns[i]: the column of each of i's k-grams (-1 when it does not count)."""
    n = len(documents)
    unique = [np.unique(doc.hashes) for doc in documents]
    hashes = np.concatenate([np.array([], dtype=np.int64), *unique])
    owner = np.repeat(np.arange(n), [len(u) for u in unique])
    values, inverse, frequency = np.unique(hashes, return_inverse=True, return_counts=True)
    counted = (frequency >= 2) & (frequency <= max_frequency)
    column = np.full(len(values), -1)
    column[counted] = np.arange(int(counted.sum()))
    members = np.zeros((n, int(counted.sum())), dtype=bool)
    mine = counted[inverse]
    members[owner[mine], column[inverse[mine]]] = True
    columns = [column[np.searchsorted(values, doc.hashes)] for doc in documents]
    return members, frequency[counted], values[counted], columns


def _runs(covered: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the length of the longest run of True and the number of runs."""
    rows, width = covered.shape
    padded = np.zeros((rows, width + 2), dtype=np.int8)
    padded[:, 1:-1] = covered
    edges = np.flatnonzero(np.diff(padded.ravel()))  # alternating run starts and ends
    starts, ends = edges[0::2], edges[1::2]
    longest = np.zeros(rows, dtype=np.int64)
    np.maximum.at(longest, starts // (width + 2), ends - starts)
    return longest, np.bincount(starts // (width + 2), minlength=rows)


def _row(doc: Document, columns: np.ndarray, members: np.ndarray, frequency: np.ndarray, k: int):
    """Similarity, longest run, stretches and others' share of one document against every one."""
    n = members.shape[0]
    known = columns >= 0
    starts = np.zeros((n + 1, doc.length + 2), dtype=np.int32)  # last row: all of the doc's own k-grams
    starts[:n, doc.starts[known] + 1] = members[:, columns[known]]
    starts[n, doc.starts + 1] = 1
    running = np.cumsum(starts, axis=1)
    # character x is covered when a k-gram starts at one of x-k+1 .. x
    covered = np.concatenate([running[:, 1:k] > 0, (running[:, k:] - running[:, :-k]) > 0], axis=1)
    counts = covered.sum(axis=1)
    longest, stretches = _runs(np.insert(covered[:n], doc.bounds[1:], False, axis=1))  # runs end with their cell
    mine = np.unique(columns[known])
    shared = members[:, mine]
    together = shared.sum(axis=1)
    elsewhere = shared.astype(np.float32) @ (frequency[mine] - 2).astype(np.float32)
    others = elsewhere / np.maximum(together, 1) / max(n - 2, 1)
    return counts[:n] / max(counts[n], 1), longest, stretches, others, counts[n]


def overlaps(documents: Sequence[Document], k: int, max_frequency: int) -> Overlap:
    """Overlap of every pair of documents, counting k-grams at most max_frequency documents have."""
    n = len(documents)
    members, frequency, counted, columns = _membership(documents, max_frequency)
    counts = np.zeros((n, n), dtype=np.int64)
    out = Overlap(np.zeros((n, n)), counts, counts.copy(), np.zeros((n, n)), np.zeros(n, dtype=np.int64), counted)
    for i, doc in enumerate(documents):
        if len(doc.hashes):
            out.similarity[i], out.longest_run[i], out.stretches[i], out.others[i], out.own[i] = _row(
                doc, columns[i], members, frequency, k)
    for matrix in (out.similarity, out.longest_run, out.stretches, out.others):
        np.fill_diagonal(matrix, 0)
    return out
