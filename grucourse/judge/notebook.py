"""Reads a submitted notebook defensively and lines its cells up with the source notebook.

What runs is decided here: the student's solution cells and own extra cells come from the
submission, visible test cells come from the source notebook (hidden-test regions removed),
and graded cells' points and ids come from the source only. Tampering (deleted, duplicated
or reordered graded cells, edited nbgrader metadata or checksums) is reported as problems.

Reading is bounded by `NotebookLimits` (traits set in nbgrader_config.py) before the JSON is
parsed: a notebook of 150,000 empty cells or 100 MB of outputs is refused in milliseconds,
with a message naming the limit, instead of costing the grader minutes and gigabytes.
"""
from __future__ import annotations

import copy
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode
from nbgrader import utils as nbutils
from nbgrader.preprocessors import ClearHiddenTests
from traitlets import Int
from traitlets.config import Configurable

from grucourse.course import load_config_file
from grucourse.judge.protocol import ProtocolError, TooDeep, scan_json

COMPARED_FIELDS = ("grade", "solution", "locked", "points", "task", "schema_version")
MAX_NOTEBOOK_BYTES = 64 * 2**20
"""What read_file reads at most (also to fingerprint a file); NotebookLimits caps notebooks lower."""


class NotebookLimits(Configurable):
    """What the grader reads of a notebook, far above any honest submission (the course's
    notebooks have under 100 cells and 200 kB with their outputs). Each cell costs a round trip
    to the sandbox and a block on the feedback page, each JSON value a Python object."""

    max_notebook_bytes = Int(20 * 2**20, help="largest notebook file read (bytes)").tag(config=True)
    max_cells = Int(2000, help="most cells a notebook may have").tag(config=True)
    max_cell_source_chars = Int(200_000, help="longest source of one cell (characters)").tag(config=True)
    max_json_values = Int(500_000, help="most JSON values (cells, lines, outputs, metadata "
                                        "entries...) in a notebook file").tag(config=True)
    max_json_depth = Int(64, help="deepest nesting of JSON containers in a notebook file").tag(config=True)


def course_notebook_limits(config_file: Path) -> NotebookLimits:
    """The notebook limits a course's nbgrader_config.py sets (defaults where it sets none)."""
    return NotebookLimits(config=load_config_file(config_file))


class NotebookUnreadable(ValueError):
    """The file is not a notebook we can grade; the message says why, for the student."""


def _linked_directory(path: Path, below: Path) -> Path | None:
    """A symbolic link among the directories between `below` and `path`, if any."""
    if not path.is_relative_to(below):
        return None
    for parent in reversed(path.parents):
        if parent.is_relative_to(below) and parent != below and parent.is_symlink():
            return parent
    return None


def read_file(path: Path, below: Path | None = None, max_bytes: int = MAX_NOTEBOOK_BYTES) -> bytes:
    """The bytes of a regular file, without blocking: FIFOs, devices and files over
    `max_bytes` are refused (before reading them when their size shows it). For a submission, `below` is the directory it was handed
    in under (e.g. submitted/): links (the file itself, or a directory between `below` and
    it) are refused too, since the grader may read what the submitting student cannot."""
    path = Path(os.path.abspath(path))
    no_links = os.O_NOFOLLOW if below is not None else 0
    if below is not None and (path.is_symlink() or _linked_directory(path, below)):
        raise NotebookUnreadable("is a symbolic link, not a file")
    try:
        fd = os.open(path, os.O_RDONLY | no_links | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise NotebookUnreadable(f"cannot be read ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotebookUnreadable("is not a regular file")
        if info.st_size > max_bytes:
            raise NotebookUnreadable(_too_large(info.st_size, max_bytes))
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise NotebookUnreadable(_too_large(len(data), max_bytes))
    return data


def _too_large(size: int, max_bytes: int) -> str:
    return f"has {size} bytes, more than the {max_bytes} a notebook may have ({max_bytes / 2**20:g} MiB)"


def _check_size(data: bytes, limits: NotebookLimits) -> None:
    """Refuses, before parsing, a file with too many cells or JSON values or too deep: counted
    on the bytes (`scan_json`, and the `"cell_type"` keys: in JSON text only a cell and its
    nbgrader metadata have one, so a notebook has at least half as many cells as keys)."""
    if data.count(b'"cell_type"') > 2 * limits.max_cells:
        raise NotebookUnreadable(f"has more than the {limits.max_cells} cells a notebook may have")
    try:
        scan_json(data, limits.max_json_values, limits.max_json_depth, len(data))
    except TooDeep as exc:
        raise NotebookUnreadable(f"is JSON nested too deeply to be a notebook ({exc})") from None
    except ProtocolError as exc:
        raise NotebookUnreadable(f"is too large a document to be a notebook ({exc})") from None


def _check_cells(raw: dict[str, Any], limits: NotebookLimits) -> None:
    """The exact cell count and each cell's source length, once parsed."""
    cells = raw["cells"]
    if len(cells) > limits.max_cells:
        raise NotebookUnreadable(f"has {len(cells)} cells, more than the {limits.max_cells} a notebook may have")
    for index, cell in enumerate(cells):
        source = cell.get("source") if isinstance(cell, dict) else None
        lines = [source] if isinstance(source, str) else source if isinstance(source, list) else []
        length = sum(len(line) for line in lines if isinstance(line, str))
        if length > limits.max_cell_source_chars:
            raise NotebookUnreadable(f"cell {index} has {length} characters of source, more than the "
                                     f"{limits.max_cell_source_chars} a cell may have")


MAX_SHOWN_NOTEBOOK_BYTES = 20 * 2**20
"""A larger submission is shown (graded notebook, feedback) as the released notebook: its
outputs are not worth the memory. Reading for grading is bounded by MAX_NOTEBOOK_BYTES."""


def readable(path: Path | None, below: Path | None = None) -> NotebookNode | None:
    """The notebook at `path` to show, or None when it is missing, over MAX_SHOWN_NOTEBOOK_BYTES
    or not a notebook (or, for a submission handed in under `below`, a link: see read_notebook);
    the judge reports such a file when it grades it."""
    try:
        if path is None or path.lstat().st_size > MAX_SHOWN_NOTEBOOK_BYTES:
            return None
        return read_notebook(path, below) if below is not None else read_course_notebook(path)
    except (OSError, NotebookUnreadable):
        return None


_COURSE_NOTEBOOKS: dict[Path, tuple[tuple[int, int, int], NotebookNode]] = {}
COURSE_NOTEBOOKS_KEPT = 16


def read_course_notebook(path: Path) -> NotebookNode:
    """read_notebook for the course's own notebooks (source, release), which every submission of
    a class reads again: parsed once per process while the file keeps its inode, size and mtime,
    and a copy handed out each time (callers edit what they get)."""
    path = Path(os.path.abspath(path))
    try:
        info = path.stat()
    except OSError as exc:
        raise NotebookUnreadable(f"cannot be read ({exc.strerror})") from None
    key = (info.st_ino, info.st_size, info.st_mtime_ns)
    cached = _COURSE_NOTEBOOKS.get(path)
    if cached is None or cached[0] != key:
        cached = (key, read_notebook(path))
        _COURSE_NOTEBOOKS.pop(path, None)
        while len(_COURSE_NOTEBOOKS) >= COURSE_NOTEBOOKS_KEPT:
            del _COURSE_NOTEBOOKS[next(iter(_COURSE_NOTEBOOKS))]
        _COURSE_NOTEBOOKS[path] = cached
    return copy.deepcopy(cached[1])


def read_notebook(path: Path, below: Path | None = None, limits: NotebookLimits | None = None) -> NotebookNode:
    """The notebook at `path`; NotebookUnreadable for missing, linked, special, non-UTF-8,
    non-JSON and non-notebook files and those over `limits` (see read_file for `below`)."""
    limits = limits if limits is not None else NotebookLimits()
    data = read_file(path, below, limits.max_notebook_bytes)
    _check_size(data, limits)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotebookUnreadable(f"is not UTF-8 text (bad byte at offset {exc.start})") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookUnreadable(f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise NotebookUnreadable("is JSON nested too deeply to be a notebook") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list) or raw.get("nbformat") != 4:
        raise NotebookUnreadable("is not a Jupyter notebook (nbformat 4)")
    _check_cells(raw, limits)
    try:
        notebook = nbformat.from_dict(raw)
        for cell in notebook.cells:
            cell.setdefault("metadata", NotebookNode())
            if not isinstance(cell.get("source"), str):
                cell.source = "".join(cell.get("source") or [])
            if cell.get("cell_type") not in ("code", "markdown", "raw"):
                raise ValueError(f"unknown cell type {cell.get('cell_type')!r}")
            if not isinstance(cell.metadata.get("nbgrader", {}), dict):
                raise ValueError("nbgrader metadata is not a mapping")
    except Exception as exc:
        raise NotebookUnreadable(f"is not a valid notebook ({exc})") from None
    return notebook


def nbgrader_meta(cell: NotebookNode) -> dict[str, Any]:
    meta = cell.get("metadata", {}).get("nbgrader")
    return meta if isinstance(meta, dict) else {}


def is_autograded_test(cell: NotebookNode) -> bool:
    """A graded cell scored by hidden tests: a code cell marked grade but not solution."""
    return cell.cell_type == "code" and nbutils.is_grade(cell) and not nbutils.is_solution(cell)


@dataclass
class Assembly:
    """The cells to run (index in the submission, source text) and what was found wrong."""

    cells: list[tuple[int, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _visible_source(cell: NotebookNode) -> str:
    copy = nbformat.from_dict(json.loads(json.dumps(cell)))
    ClearHiddenTests(enforce_metadata=False)._remove_hidden_test_region(copy)
    return copy.source


def assemble(source: NotebookNode, submission: NotebookNode, release: NotebookNode | None) -> Assembly:
    """Lines up the submission's cells with the source notebook's nbgrader cells."""
    by_id = {nbgrader_meta(c)["grade_id"]: c for c in source.cells if nbgrader_meta(c).get("grade_id")}
    released = {nbgrader_meta(c).get("grade_id"): c for c in (release.cells if release else []) if nbgrader_meta(c)}
    assembly = Assembly()
    seen: list[str] = []
    for index, cell in enumerate(submission.cells):
        grade_id = nbgrader_meta(cell).get("grade_id")
        original = by_id.get(grade_id) if isinstance(grade_id, str) else None
        if original is None:
            if nbgrader_meta(cell):
                assembly.problems.append(f"cell {index} has nbgrader metadata for an unknown cell "
                                         f"{grade_id!r}; it was treated as an ordinary cell")
            if cell.cell_type == "code":
                assembly.cells.append((index, cell.source))
            continue
        duplicate = grade_id in seen
        seen.append(str(grade_id))  # a str: it names a cell of the source
        assembly.problems += _tampering(cell, original, released.get(grade_id), duplicate)
        if original.cell_type != "code" or cell.cell_type != "code":
            continue
        if nbutils.is_solution(original):
            assembly.cells.append((index, cell.source))
        elif not duplicate:
            assembly.cells.append((index, _visible_source(original)))
    order = [gid for gid in by_id if gid in seen]
    if order != list(dict.fromkeys(seen)):
        assembly.problems.append("graded cells were reordered; they were run in the submitted order")
    assembly.problems += [f"graded cell {gid!r} was deleted" for gid in by_id if gid not in seen]
    return assembly


def restore_locked_cells(submission: NotebookNode, source: NotebookNode) -> NotebookNode:
    """The submission with every non-answer nbgrader cell (instructions, given code, visible checks)
    put back as the source notebook has it, as nbgrader's OverwriteCells does: feedback shows the
    cells that were run and scored, never a student's edit of them. Changes `submission` in place."""
    by_id = {nbgrader_meta(c)["grade_id"]: c for c in source.cells if nbgrader_meta(c).get("grade_id")}
    for cell in submission.cells:
        original = by_id.get(nbgrader_meta(cell).get("grade_id"))
        if original is None or nbutils.is_solution(original) or original.cell_type != cell.cell_type:
            continue
        cell.source = _visible_source(original) if original.cell_type == "code" else original.source
        cell.metadata["nbgrader"] = json.loads(json.dumps(nbgrader_meta(original)))
    return submission


def _tampering(cell: NotebookNode, original: NotebookNode, released: NotebookNode | None, duplicate: bool) -> list[str]:
    """Problems with one graded cell, compared with the release version (metadata as the
    student received it, with nbgrader's checksum) or, without a release, the source."""
    grade_id = nbgrader_meta(original)["grade_id"]
    problems = []
    if duplicate:
        problems.append(f"graded cell {grade_id!r} is duplicated; only the first copy of a test cell was run")
    meta, expected = nbgrader_meta(cell), nbgrader_meta(released if released is not None else original)
    fields = COMPARED_FIELDS if released is not None else ("grade", "solution", "points")
    edited = [f for f in fields if _normal(meta.get(f)) != _normal(expected.get(f))]
    if cell.cell_type != original.cell_type:
        edited.append("cell type")
    if edited:
        problems.append(f"nbgrader metadata of cell {grade_id!r} was edited ({', '.join(edited)}); "
                        "the source notebook's values were used")
    if expected.get("checksum") and meta.get("checksum") != expected.get("checksum"):
        problems.append(f"the checksum of cell {grade_id!r} was edited")
    elif is_autograded_test(original) and cell.source != _visible_source(original):
        problems.append(f"test cell {grade_id!r} was edited; the source version was run")
    return problems


def _normal(value: Any) -> Any:
    """Metadata values as nbgrader compares them: absent flags are False, points are floats."""
    if value is None or isinstance(value, bool):
        return bool(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return value
