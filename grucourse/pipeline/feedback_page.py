"""The exporter behind every feedback page: nbgrader's feedback template, made readable offline.

nbgrader's template lists each graded cell as "Test cell" and loads MathJax from a CDN, so a
student reading the page without network sees raw TeX. `FeedbackExporter` renders the same
template (`nbgrader generate_feedback`, `grucourse feedback` and formgrader's button all use it,
through `c.GenerateFeedback.exporter_class` in nbgrader_config.py) with two changes:

* the summary names each graded cell by the function it checks and the section heading above
  it, both taken from the *source* notebook (a student can add markdown cells, never headings
  of graded cells);
* maths is typeset by MathJax 3 inlined into the page (SVG output, its fonts inside the script),
  so the page needs no network wherever it is opened, also after `nbgrader release_feedback`,
  which hands out the HTML file alone. MathJax's `ui/safe` extension filters what formulas may
  do (links, styles, ids).
"""
from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader
from nbconvert.exporters import HTMLExporter
from nbformat import NotebookNode
from nbgrader.coursedir import CourseDirectory
from traitlets import default

from grucourse.course import Course
from grucourse.judge.notebook import NotebookUnreadable, nbgrader_meta, read_notebook

TEMPLATES = Path(__file__).with_name("feedback_templates")
MATHJAX = files("mathjax") / "static" / "mathjax" / "es5"
"""MathJax 3.2.2 as the pinned PyPI package django-static-mathjax ships it (no Django needed)."""
MATHJAX_PARTS = ("tex-svg-full.js", "ui/safe.js")
"""All TeX packages with SVG output (no font files, nothing loaded later), then the safe mode:
one script, so safe mode registers before MathJax starts typesetting."""


@cache
def offline_mathjax() -> str:
    """The MathJax script to paste into a page's <script> element."""
    code = ";\n".join((MATHJAX / part).read_text(encoding="utf-8") for part in MATHJAX_PARTS)
    return re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE)


def cell_labels(source: NotebookNode) -> dict[str, str]:
    """grade_id -> how the summary names a graded cell: "reset_gate — 2. Reset gate and update
    gate" (the function its grade_id names, then the last heading above it); the heading alone
    when it already names the function as code ("2.2 minGRU as a loop (mingru_sequential)")."""
    labels: dict[str, str] = {}
    heading = ""
    for cell in source.cells:
        if cell.cell_type == "markdown":
            found = [line.lstrip("#").strip() for line in cell.source.splitlines() if line.startswith("#")]
            heading = found[-1] if found else heading
        meta = nbgrader_meta(cell)
        if (meta.get("grade") or meta.get("task")) and isinstance(meta.get("grade_id"), str):
            name = meta["grade_id"].removesuffix("_tests")
            shown = heading.replace("`", "")
            labels[meta["grade_id"]] = shown if f"`{name}`" in heading else f"{name} — {shown}" if shown else name
    return labels


class FeedbackExporter(HTMLExporter):
    """nbgrader's feedback page (its template, its configuration), with the summary and maths
    described in the module docstring."""

    @default("extra_loaders")
    def _extra_loaders_default(self) -> list[FileSystemLoader]:
        # Searched first: our page template and a `mathjax.html.j2` whose macro replaces the
        # CDN one that nbgrader's header calls.
        return [FileSystemLoader(str(TEMPLATES))]

    @default("template_file")
    def _template_file_default(self) -> str:
        return "grucourse_feedback.html.j2"

    def _create_environment(self) -> Environment:
        environment = super()._create_environment()
        environment.globals["offline_mathjax"] = offline_mathjax
        return environment

    def from_notebook_node(self, nb: NotebookNode, resources: dict[str, Any] | None = None,  # type: ignore[override]
                           **kw: Any) -> tuple[str, dict[str, Any]]:  # an HTML exporter returns text, not a notebook
        resources = dict(resources or {})
        resources["grucourse_labels"] = self._labels(resources.get("nbgrader", {}))
        return super().from_notebook_node(nb, resources, **kw)

    def _labels(self, info: dict[str, Any]) -> dict[str, str]:
        """The labels of the source notebook of this page; none (the template falls back to
        the grade_id) when it cannot be read."""
        if not {"assignment", "notebook"} <= set(info):
            return {}
        course = Course.at(CourseDirectory(config=self.config).root)
        try:
            return cell_labels(read_notebook(course.source / info["assignment"] / f"{info['notebook']}.ipynb"))
        except NotebookUnreadable:
            return {}
