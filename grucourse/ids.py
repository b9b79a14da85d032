"""The one rule for student ids: what may name a folder under submitted/, a gradebook student,
a cache file or a CSV row.

A student id becomes a path component (submitted/<id>/, autograded/<id>/, .judge_cache/), a
gradebook key shown by formgrader, a CSV cell and a terminal line. Only plain ids are accepted
everywhere: a letter or digit, then at most 63 letters, digits, `.`, `_` or `-`, and no `..`.
Anything else (HTML, spaces, `+`, control characters, a leading `-` or `=`) is refused with a
message that shows the name escaped, never raw.
"""
from __future__ import annotations

import re

from grucourse.terminal import printable

PLAIN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
RULE = "a letter or digit, then up to 63 letters, digits, '.', '_' or '-', without '..'"


def is_plain_id(name: str) -> bool:
    """True for an id that is safe as a folder name, a gradebook key and a CSV cell."""
    return PLAIN_ID.fullmatch(name) is not None and ".." not in name


def shown(name: str) -> str:
    """The name as the instructor may see it: quoted, every control character escaped, and
    characters outside printable ASCII shown as escapes (so HTML or a bidi trick is inert)."""
    return printable(ascii(name))


def refusal(name: str, where: str) -> str:
    """The message for a refused id: names the folder (escaped) and the rule."""
    return f"{where}: student id {shown(name)} is not a plain id ({RULE}); refused, nothing graded or written for it"
