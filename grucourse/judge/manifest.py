"""A record of the hidden tests as the instructor built them: grading_tests/MANIFEST.sha256.

The hidden tests run inside the trusted grading process, so a file planted in grading_tests/
(a conftest.py, an extra test module, a module shadowing numpy, an edited check) would run with
the grader's rights. `grucourse build` records the SHA-256 of every file there (sha256sum's
format, so `cd grading_tests && sha256sum -c MANIFEST.sha256` checks it too). Before running an
assignment's tests the judge compares that assignment's folder and the top of grading_tests/
with the record: any file added, changed or removed since, or any symbolic link, stops grading
with an error naming it, until the instructor rebuilds. A course without a record (a scratch
course of the test suite) is graded without this check.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

MANIFEST_NAME = "MANIFEST.sha256"
REBUILD = "if the change is yours, run `grucourse build` to record it"


class TreeProblem(Exception):
    """grading_tests/ holds something the record cannot vouch for (a symbolic link)."""


def _walk(root: Path) -> tuple[dict[str, Path], list[str]]:
    """Relative path -> file for every file under root (no __pycache__, not the record itself),
    and the symbolic links found."""
    files: dict[str, Path] = {}
    links: list[str] = []
    for directory, dirnames, filenames in os.walk(root):
        here = Path(directory)
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in [*dirnames, *filenames]:
            path = here / name
            if path.is_symlink():
                links.append(path.relative_to(root).as_posix())
            elif name in filenames and path != root / MANIFEST_NAME:
                files[path.relative_to(root).as_posix()] = path
        dirnames[:] = [d for d in dirnames if not (here / d).is_symlink()]
    return files, links


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest_text(root: Path) -> str:
    """The record of `root` as it is now."""
    files, links = _walk(root)
    if links:
        raise TreeProblem(f"{root}: symbolic links are not allowed among the hidden tests: {', '.join(links)}")
    return "".join(f"{_digest(path)}  {rel}\n" for rel, path in sorted(files.items()))


def record(root: Path) -> str:
    """Writes root/MANIFEST.sha256 if it changed (building twice rewrites nothing); a line for
    the instructor."""
    if not root.is_dir():
        return f"{root.name}/ does not exist: no hidden tests recorded"
    text = manifest_text(root)
    target = root / MANIFEST_NAME
    if target.is_file() and target.read_text(encoding="utf-8") == text:
        return f"hidden tests unchanged: {root.name}/{MANIFEST_NAME}"
    target.write_text(text, encoding="utf-8")
    return f"hidden tests recorded in {root.name}/{MANIFEST_NAME} ({text.count(chr(10))} files)"


def _recorded(root: Path) -> dict[str, str] | None:
    target = root / MANIFEST_NAME
    if not target.is_file():
        return None
    entries = {}
    for line in target.read_text(encoding="utf-8").splitlines():
        digest, _, rel = line.partition("  ")
        entries[rel] = digest
    return entries


def _in_scope(rel: str, assignment: str) -> bool:
    """The assignment's own folder and the top of grading_tests/ (where pytest would look for
    configuration); other assignments' folders are checked when they are graded."""
    return rel.startswith(f"{assignment}/") or "/" not in rel


def verify(root: Path, assignment: str) -> list[str]:
    """What differs from the record for `assignment` (empty when everything matches or there is
    no record): each problem names the file."""
    recorded = _recorded(root)
    if recorded is None:
        return []
    files, links = _walk(root)
    problems = [f"{root.name}/{rel} is a symbolic link" for rel in links if _in_scope(rel, assignment)]
    for rel in sorted(set(files) | set(recorded)):
        if not _in_scope(rel, assignment):
            continue
        if rel not in recorded:
            problems.append(f"{root.name}/{rel} was added after the last `grucourse build`")
        elif rel not in files:
            problems.append(f"{root.name}/{rel} was removed after the last `grucourse build`")
        elif _digest(files[rel]) != recorded[rel]:
            problems.append(f"{root.name}/{rel} was changed after the last `grucourse build`")
    return problems


def hidden_test_modules(directory: Path) -> list[Path]:
    """The test modules pytest is given, by name: test_*.py under the assignment's folder."""
    files, _ = _walk(directory)
    return [path for rel, path in sorted(files.items()) if path.name.startswith("test_") and path.suffix == ".py"]
