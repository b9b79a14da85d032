"""Writes the review material: pairs.csv, index.html and one side-by-side page per flagged pair.

The wording is deliberately neutral: overlap is evidence for a person to weigh, never a verdict.
"""
from __future__ import annotations

from dataclasses import astuple, dataclass, fields
from pathlib import Path

from copydetect.utils import highlight_overlap
from jinja2 import Environment
from markupsafe import Markup

from grucourse import csv_safe
from grucourse.csp import STATIC_PAGE_META
from grucourse.similarity.compare import shared_regions
from grucourse.similarity.detect import Pair
from grucourse.similarity.settings import Options
from grucourse.similarity.sources import Collection

UNFLAGGED_SHOWN = 20
MAX_PAGES = 200
MARK_OPEN, MARK_CLOSE = "<mark>", "</mark>"
_NOTE = (
    "Overlap is evidence for a person to review, not a finding. Common idioms, collaboration the "
    "course allows, a shared tutorial or the template itself can all explain shared code. Read "
    "both notebooks and hear the students before drawing any conclusion."
)
_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: .25em .6em; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.note { background: #f4f6fa; border-left: 4px solid #7a8cb0; padding: .6em 1em; max-width: 60em; }
.sides { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1em; }
pre { background: #fafafa; border: 1px solid #ddd; padding: .6em; white-space: pre-wrap; overflow-wrap: anywhere; font-size: 12px; }
mark { background: #ffe08a; }
"""
_ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)


def _percent(value: float) -> str:
    return f"{100 * value:.0f}%"


_ENV.filters["percent"] = _percent
_ENV.filters["summary"] = lambda row: summary(row)
_ENV.globals["csp"] = Markup(STATIC_PAGE_META)  # the pages need no script: none may run
_INDEX = _ENV.from_string("""<!doctype html>
<html><head><meta charset="utf-8">{{ csp }}<title>Code similarity: {{ assignment }}</title>
<style>{{ style }}</style></head><body>
{% macro table(rows) %}
<table>
<tr><th>#</th><th>A</th><th>B</th><th>share of A in B</th><th>share of B in A</th><th>stretches</th>
<th>longest stretch</th><th>others sharing them</th><th>in words</th><th></th></tr>
{% for row in rows %}
<tr><td class="num">{{ row.rank }}</td><td>{{ row.a }}</td><td>{{ row.b }}</td>
<td class="num">{{ row.similarity_a|percent }}</td><td class="num">{{ row.similarity_b|percent }}</td>
<td class="num">{{ row.stretches }}</td><td class="num">{{ row.longest_run }}</td>
<td class="num">{{ row.others|percent }}</td><td>{{ row|summary }}</td>
<td>{% if row.page %}<a href="{{ row.page }}">side by side</a>{% endif %}</td></tr>
{% endfor %}
</table>
{% endmacro %}
<h1>Code similarity: {{ assignment }}</h1>
<p class="note">{{ note }}</p>
<p>{{ n_documents }} documents compared ({{ n_archived }} from archives). Own code is what remains
once template and expected code{% if subtracted %} ({{ subtracted|join(", ") }}){% endif %} are removed,
cell by cell; names, comments and layout are ignored. Code that more than {{ max_frequency }} documents
have is common, and counts for no pair. A pair is listed for review when at least
{{ "%.0f"|format(100 * options.threshold) }}% of one side's own code appears in the other and they share
at least {{ options.min_shared }} normalised characters.</p>
{% if skipped %}
<h2>Files that could not be read</h2>
<ul>{% for problem in skipped %}<li>{{ problem }}</li>{% endfor %}</ul>
{% endif %}
<h2>Pairs for review ({{ n_flagged }})</h2>
{% if with_page %}{{ table(with_page) }}{% else %}<p>None at these settings.</p>{% endif %}
{% if n_flagged > with_page|length %}
<p>{{ n_flagged - with_page|length }} more pairs reach the settings; they are listed in pairs.csv
without a page. So many usually means the settings are too low for this assignment.</p>
{% endif %}
<h2>Closest other pairs</h2>
{% if unflagged %}{{ table(unflagged) }}{% else %}<p>None.</p>{% endif %}
<p>All compared pairs with any overlap: <a href="pairs.csv">pairs.csv</a>.</p>
</body></html>
""")
_PAIR = _ENV.from_string("""<!doctype html>
<html><head><meta charset="utf-8">{{ csp }}<title>{{ row.a }} and {{ row.b }}: shared code</title>
<style>{{ style }}</style></head><body>
<p><a href="index.html">all pairs</a></p>
<h1>{{ row.a }} and {{ row.b }}</h1>
<p class="note">{{ note }}</p>
<p>{{ row|summary }}. {{ row.similarity_a|percent }} of {{ row.a }}'s own code also appears in {{ row.b }};
{{ row.similarity_b|percent }} of {{ row.b }}'s own code also appears in {{ row.a }}.
Longest shared stretch: {{ row.longest_run }} normalised characters.
Highlighted: regions whose normalised form (names, comments and layout ignored) occurs in both and
in few other documents; template, expected and common code are not highlighted.</p>
<div class="sides">
<div><h2>{{ row.a }}</h2><p><code>{{ path_a }}</code></p><pre>{{ code_a }}</pre></div>
<div><h2>{{ row.b }}</h2><p><code>{{ path_b }}</code></p><pre>{{ code_b }}</pre></div>
</div></body></html>
""")


@dataclass(frozen=True)
class Row:
    """A pair as listed: shares rounded for reading, and the page name if it has one."""

    rank: int
    a: str
    b: str
    similarity_a: float
    similarity_b: float
    max: float
    mean: float
    longest_run: int
    flagged: bool
    page: str
    stretches: int = 0
    shared: int = 0
    others: float = 0.0


def summary(row: Row) -> str:
    """The pair in one sentence, from the side more of whose code is in the other."""
    a, b, share = (row.b, row.a, row.similarity_b) if row.similarity_b >= row.similarity_a else (row.a, row.b, row.similarity_a)
    stretches = f"{row.stretches} stretch" + ("es" if row.stretches != 1 else "")
    return f"{_percent(share)} of {a}'s own code is in {b}, in {stretches}; {_percent(row.others)} of the class shares those"


def rows(pairs: list[Pair], options: Options, max_pages: int = MAX_PAGES) -> list[Row]:
    """Rows in rank order; the first `max_pages` flagged pairs get a side-by-side page, and so do
    the closest UNFLAGGED_SHOWN other pairs (for a reader who wants to see what was not listed)."""
    out = []
    pages = others = 0
    for rank, pair in enumerate(pairs, start=1):
        flagged = options.flags(pair)
        has_page = pages < max_pages if flagged else others < UNFLAGGED_SHOWN
        pages += has_page and flagged
        others += not flagged
        page = f"pair-{rank:04d}.html" if has_page else ""
        out.append(Row(rank, pair.a.label, pair.b.label, round(pair.similarity_a, 4), round(pair.similarity_b, 4),
                       round(pair.max, 4), round(pair.mean, 4), pair.longest_run, flagged, page,
                       pair.stretches, pair.shared, round(pair.others, 4)))
    return out


def _highlighted(code: str, slices) -> str:
    marked, _ = highlight_overlap(code, slices, MARK_OPEN, MARK_CLOSE, escape_html=True)
    return marked


def write_csv(path: Path, table_rows: list[Row]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv_safe.writer(handle)
        writer.writerow(field.name for field in fields(Row))
        writer.writerows(astuple(row) for row in table_rows)


def write_page(path: Path, row: Row, pair: Pair, k: int) -> None:
    slices_a, slices_b = shared_regions(pair, k)
    page = _PAIR.render(
        row=row, note=_NOTE, style=_STYLE, path_a=pair.a.path, path_b=pair.b.path,
        code_a=Markup(_highlighted(pair.a.code, slices_a)), code_b=Markup(_highlighted(pair.b.code, slices_b)),
    )
    path.write_text(page, encoding="utf-8")


def write(
    out_dir: Path, assignment: str, collection: Collection, pairs: list[Pair], options: Options,
    max_pages: int = MAX_PAGES,
) -> list[Row]:
    """Replaces the report in out_dir; returns the rows (the top flagged ones have a page)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob("pair-*.html"):
        stale.unlink()
    table_rows = rows(pairs, options, max_pages)
    write_csv(out_dir / "pairs.csv", table_rows)
    with_page = [row for row in table_rows if row.page and row.flagged]
    unflagged = [row for row in table_rows if not row.flagged][:UNFLAGGED_SHOWN]
    for row, pair in zip(table_rows, pairs, strict=True):
        if row.page:
            write_page(out_dir / row.page, row, pair, options.settings.k)
    index = _INDEX.render(
        assignment=assignment, note=_NOTE, style=_STYLE, options=options,
        max_frequency=options.max_frequency(len(collection.documents)),
        n_documents=len(collection.documents), n_archived=sum(d.archived for d in collection.documents),
        subtracted=[str(p) for p in collection.subtracted], skipped=[str(p) for p in collection.skipped],
        with_page=with_page, n_flagged=sum(row.flagged for row in table_rows), unflagged=unflagged,
    )
    (out_dir / "index.html").write_text(index, encoding="utf-8")
    return table_rows
