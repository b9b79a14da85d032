"""k-gram fingerprints of code (winnowing, Schleimer, Wilkerson, Aiken, SIGMOD 2003) via copydetect.

copydetect tokenizes with pygments and replaces every identifier by one letter, drops comments
and whitespace, and hashes every k-gram of what is left. The fingerprint of a document is a *set*
of k-gram hashes, so renaming variables, re-commenting, re-indenting or reordering functions
changes only the few k-grams that straddle a boundary.

Python's string hash is salted per process: fingerprints are compared only within one run.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from copydetect import CodeFingerprint

LANGUAGE = "python"


@dataclass(frozen=True)
class Settings:
    """k: shortest match that counts, in filtered characters (copydetect's noise threshold).

    Every k-gram is kept (winnowing window 1, copydetect's default guarantee threshold = k):
    a class is small enough, and a stretch of k shared characters is then always seen.
    """

    k: int = 25


@dataclass
class Document:
    """One piece of code under comparison: a submission or an archive entry."""

    label: str
    path: Path
    fingerprint: CodeFingerprint
    archived: bool = False

    @property
    def code(self) -> str:
        return self.fingerprint.raw_code


def _fingerprint(code: str, label: str, settings: Settings, boilerplate: np.ndarray) -> CodeFingerprint:
    return CodeFingerprint(label, settings.k, 1, boilerplate=boilerplate, language=LANGUAGE, fp=io.StringIO(code))


def boilerplate_hashes(codes: list[str], settings: Settings) -> np.ndarray:
    """Every k-gram hash of the given code (no winnowing), to be subtracted from documents."""
    hashes = [h for code in codes for h in _fingerprint(code, "template", settings, np.array([])).hashes]
    return np.unique(np.array(hashes, dtype=np.int64))


def document(
    label: str, path: Path, code: str, settings: Settings, boilerplate: np.ndarray, archived: bool = False
) -> Document:
    return Document(label, path, _fingerprint(code, label, settings, boilerplate), archived)
