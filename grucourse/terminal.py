"""Text from students (ids, file names, messages) made safe for the instructor's terminal.

A terminal obeys escape sequences in what it prints: CSI can clear the screen or move the cursor
over earlier lines, OSC can set the title or plant a hyperlink, CR and backspace overwrite, and
bidirectional overrides reorder what is shown. `printable` replaces every such character by its
visible escape (`\\x1b`, `\\u202e`), so the text is shown, never obeyed. Rich prints strings
raw apart from a few controls, and reads `[...]` as markup; `rich_text` gives a `Text` that it
prints literally. `escape_log_records` applies `printable` to every log message of the process.
"""
from __future__ import annotations

import logging
import re

from rich.text import Text

# C0 controls, DEL, C1 controls (CSI is also U+009B), and the bidirectional marks, embeddings,
# overrides and isolates; line feed and tab are kept where `keep_lines` says so.
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff"
_UNSAFE_IN_LINES = re.compile(f"[{_UNSAFE}]")
_UNSAFE_IN_NAMES = re.compile(f"[{_UNSAFE}\t\n]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object, *, keep_lines: bool = False) -> str:
    """`text` with every control, escape and bidi character shown as a visible escape; with
    `keep_lines`, line feeds and tabs stay (multi-line messages), otherwise they are escaped too
    (a name or id is one line)."""
    pattern = _UNSAFE_IN_LINES if keep_lines else _UNSAFE_IN_NAMES
    return pattern.sub(_escape, str(text))


def rich_text(text: object, *, keep_lines: bool = True, style: str = "") -> Text:
    """A rich `Text` of `printable(text)`: printed literally, no markup, no escape sequences."""
    return Text(printable(text, keep_lines=keep_lines), style=style)


class _EscapedRecord(logging.LogRecord):
    """A log record whose formatted message has its control sequences escaped."""

    def getMessage(self) -> str:  # noqa: N802 (logging's name)
        return printable(super().getMessage(), keep_lines=True)


def escape_log_records() -> None:
    """Every log record made in this process escapes its message (nbgrader logs folder names and
    paths); installed once, whoever calls it first."""
    if logging.getLogRecordFactory() is logging.LogRecord:
        logging.setLogRecordFactory(_EscapedRecord)
