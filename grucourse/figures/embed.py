"""Put the catalog's figures into the source notebooks as markdown-cell attachments.

Attachments live in the notebook itself: nbgrader's release copies them, JupyterLab shows them,
and nbconvert (formgrader, feedback) inlines them as data: URLs, which the feedback sanitiser keeps
for markdown that is plain apart from its own attachments. Run: python -m grucourse.figures.embed
"""
from __future__ import annotations

import base64
import sys
from pathlib import Path

import nbformat

from grucourse.figures.catalog import FIGURES, Figure


def cell_of(nb: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    """The markdown cell with this nbgrader grade_id."""
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return cell
    raise KeyError(f"no markdown cell with grade_id {grade_id!r}")


def embed(figure: Figure, nb: nbformat.NotebookNode) -> None:
    """Attach the freshly drawn PNG; add the image line at the end of the cell when it is missing."""
    cell = cell_of(nb, figure.grade_id)
    cell.setdefault("attachments", {})[figure.attachment] = {
        "image/png": base64.b64encode(figure.draw()).decode("ascii")}
    if f"(attachment:{figure.attachment})" not in cell.source:
        cell.source = cell.source.rstrip("\n") + "\n\n" + figure.markdown


def embed_all(course: Path) -> list[Path]:
    """Embed every figure into `course`/source; returns the notebooks written."""
    written = []
    for assignment in sorted({f.assignment for f in FIGURES}):
        path = course / "source" / assignment / f"{assignment}.ipynb"
        nb = nbformat.read(path, as_version=4)
        for figure in FIGURES:
            if figure.assignment == assignment:
                embed(figure, nb)
        nbformat.write(nb, path)
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in embed_all(Path(sys.argv[1] if len(sys.argv) > 1 else ".")):
        print(written_path)
