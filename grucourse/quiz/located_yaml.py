"""YAML documents together with the line of every value, from PyYAML's node marks.

The validator reports errors by line; PyYAML's composed node tree carries the marks, the
constructed data carries the values, and both are walked with the same path.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from grucourse.quiz.errors import BankError


@dataclass(frozen=True)
class LocatedDocument:
    """A parsed YAML file: its data and its node tree (for line numbers)."""

    file: str
    data: Any
    node: yaml.Node | None

    def node_at(self, path: Iterable[str | int] = ()) -> yaml.Node | None:
        """The node of the value at `path` (dict keys / list indices), or of its deepest parent."""
        node = self.node
        for step in path:
            child = _child(node, step) if node is not None else None
            if child is None:
                break
            node = child
        return node

    def line(self, path: Iterable[str | int] = ()) -> int:
        """1-based line of the value at `path`, or of its deepest parent."""
        node = self.node_at(path)
        return node.start_mark.line + 1 if node is not None else 1


def _child(node: yaml.Node, step: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
        return node.value[step]
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == step:
                return value
    return None


def duplicate_keys(node: yaml.Node | None) -> list[tuple[int, str]]:
    """(line, key) of every key repeated in one mapping: PyYAML would silently keep the last."""
    found: list[tuple[int, str]] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if key.value in seen:
                found.append((key.start_mark.line + 1, str(key.value)))
            seen.add(key.value)
            found.extend(duplicate_keys(value))
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            found.extend(duplicate_keys(item))
    return found


def _last_id_before(text: str, line: int) -> str:
    """The question a syntax error is in: the last `id:` written above it (the file cannot be parsed)."""
    ids = re.findall(r"^(?:- )?\s*id:\s*['\"]?(\w+)", "\n".join(text.splitlines()[:line]), flags=re.MULTILINE)
    return ids[-1] if ids else ""


def load_located(path: Path, shown_as: str) -> LocatedDocument | BankError:
    """Parse one YAML file safely; a syntax error comes back as a located BankError."""
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except UnicodeDecodeError as exc:
        return BankError(shown_as, 1, "", f"not UTF-8: {exc.reason}")
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        return BankError(shown_as, line, _last_id_before(text, line), f"YAML syntax error: {exc.problem or exc}")
    except yaml.YAMLError as exc:
        return BankError(shown_as, 1, "", f"YAML error: {exc}")
    return LocatedDocument(shown_as, data, node)
