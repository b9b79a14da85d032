"""Figures drawn in the sandbox, checked before they reach a notebook.

The worker sends each figure a cell leaves open in pyplot as PNG bytes. Nothing of it is trusted:
a figure becomes a `display_data` output only as a well-formed PNG (signature, IHDR first, IEND
last, every chunk's CRC right) within the sandbox's caps on size, pixels and count.
"""
from __future__ import annotations

import base64
import struct
import zlib
from dataclasses import dataclass
from typing import Any

import nbformat

from grucourse.judge.sandbox import Sandbox

FIGURE_DPI = 100
"""Resolution of the PNGs, as matplotlib's default figure.dpi (a 6.4 x 4.8 inch figure is 640 x 480)."""
FIGURE_MAX_SIDE = 2000
"""Pixels per side of a figure; a larger figure is drawn at a lower dpi, a larger PNG is dropped."""
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a well-formed PNG: the signature, an IHDR chunk first, IEND last and
    every chunk's CRC right; None for anything else."""
    if not data.startswith(PNG_SIGNATURE):
        return None
    view, offset, kinds = memoryview(data), len(PNG_SIGNATURE), []
    while offset + 12 <= len(data):
        length, kind = struct.unpack_from(">I4s", data, offset)
        end = offset + 12 + length
        if end > len(data) or not kind.isalpha():
            return None
        if zlib.crc32(view[offset + 4:end - 4]) != struct.unpack_from(">I", data, end - 4)[0]:
            return None
        kinds.append((kind, length))
        offset = end
    if offset != len(data) or len(kinds) < 2 or kinds[0] != (b"IHDR", 13) or kinds[-1][0] != b"IEND":
        return None
    return struct.unpack_from(">II", data, len(PNG_SIGNATURE) + 8)


@dataclass(frozen=True)
class Figure:
    """A validated PNG of one figure."""

    png: bytes
    width: int
    height: int

    def output(self) -> dict[str, Any]:
        """A `display_data` output, as the inline backend would give (text for viewers without images)."""
        return dict(nbformat.v4.new_output(
            "display_data", data={"image/png": base64.b64encode(self.png).decode("ascii"),
                                  "text/plain": f"<Figure size {self.width}x{self.height}>"}, metadata={}))


def accept_figures(blobs: list[bytes], sandbox: Sandbox, room: int) -> tuple[list[Figure], list[str]]:
    """The figures that pass every check, within `room` bytes left for the notebook, and a note
    for each one dropped."""
    figures: list[Figure] = []
    notes: list[str] = []
    for position, png in enumerate(blobs[:sandbox.max_figures_per_cell], 1):
        size = png_size(png)
        if size is None:
            notes.append(f"[figure {position} dropped: not a PNG image]")
        elif len(png) > sandbox.max_figure_bytes:
            notes.append(f"[figure {position} dropped: {len(png)} bytes, over the limit of "
                         f"{sandbox.max_figure_bytes} per figure]")
        elif not (0 < size[0] <= FIGURE_MAX_SIDE and 0 < size[1] <= FIGURE_MAX_SIDE):
            notes.append(f"[figure {position} dropped: {size[0]}x{size[1]} pixels, over {FIGURE_MAX_SIDE} per side]")
        elif len(png) > room:
            notes.append(f"[figure {position} dropped: the notebook's figure limit of "
                         f"{sandbox.max_notebook_figure_bytes} bytes was reached]")
        else:
            room -= len(png)
            figures.append(Figure(png, *size))
    if len(blobs) > sandbox.max_figures_per_cell:
        notes.append(f"[{len(blobs) - sandbox.max_figures_per_cell} figures dropped: "
                     f"at most {sandbox.max_figures_per_cell} per cell]")
    return figures, notes
