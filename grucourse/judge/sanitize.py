"""Student-authored HTML made inert before an instructor's page shows it.

formgrader and nbgrader's feedback pages are nbconvert HTML of the graded notebook, rendered on
the server: markdown cells go through mistune with raw HTML and every URL scheme allowed, and
`text/html`, `text/markdown`, SVG and JavaScript outputs are pasted into the page as they are.
nbconvert's own `HTMLExporter.sanitize_html` does not help here: formgrader's template renders
markdown cells itself, without it. So the notebook is cleaned before it is rendered:

* a markdown cell without raw HTML, mermaid blocks or unsafe URLs is left as it is (nbconvert
  escapes its text); any other is rendered to HTML by nbconvert's own renderer (math, attachments, code
  highlighting), cleaned with nh3 (no script, event handlers, style, forms, frames or
  `javascript:` URLs; ids prefixed so they cannot shadow the page's own), and stored as one raw
  HTML block that the template's markdown pass leaves as it is;
* a cell whose nbgrader grade_id is not a plain id (the templates paste it unescaped) becomes
  an ordinary cell;
* outputs keep only plain text, well-formed base64 PNG/JPEG/GIF, cleaned HTML (markdown and SVG
  outputs become cleaned HTML, SVG as an image, where it cannot run script) and plain numeric
  image sizes; JavaScript, widgets and every other type are dropped.
"""
from __future__ import annotations

import base64
import binascii
import functools
import re
from html import unescape
from typing import Any, cast

import nh3
from nbconvert.exporters.exporter import ResourcesDict
from nbconvert.filters.markdown_mistune import InvalidNotebook, IPythonRenderer, MarkdownWithMath
from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from pygments.token import STANDARD_TYPES
from traitlets import Bool

PLAIN_GRADE_ID = re.compile(r"[A-Za-z0-9_.\-]{1,200}")
"""nbgrader's templates paste a cell's grade_id into the page unescaped (ids, links, labels)."""

RASTER_TYPES = ("image/png", "image/jpeg", "image/gif")
"""Outputs shown by the templates as `<img src="data:TYPE;base64,DATA">`, DATA pasted unescaped."""

IMAGE_DATA_URL = re.compile(r"data:image/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]*\Z")

_CLEANER = nh3.Cleaner(
    attributes={
        **{tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()},
        "*": {"lang", "title", "id", "dir"},
    },
    allowed_classes={
        "span": {c for c in STANDARD_TYPES.values() if c},  # pygments' code highlighting
        "div": {"highlight"},
        "a": {"anchor-link"},
        "table": {"dataframe"},
    },
    url_schemes={"http", "https", "mailto", "data"},
    attribute_filter=lambda tag, name, value: _keep_attribute(tag, name, value),
    id_prefix="student-",
)


def _keep_attribute(tag: str, name: str, value: str) -> str | None:
    """data: URLs only as the src of an image, and only with an image type and base64 data."""
    if value.lstrip().lower().startswith("data:"):
        return value if tag == "img" and name == "src" and IMAGE_DATA_URL.match(value.strip()) else None
    return value


def clean_html(html: str) -> str:
    """`html` with only inert markup left."""
    return _CLEANER.clean(html)


BLOCK_OPEN, BLOCK_CLOSE = "<div>\n", "\n</div>"
_BLANK_LINE = re.compile(r"\n(?=[ \t]*(\n|\Z))")


def as_raw_block(html: str) -> str:
    """`html` as markdown that is one raw HTML block (CommonMark ends a `<div>` block at the
    first blank line): blank lines become a newline character reference, the same text."""
    return BLOCK_OPEN + _BLANK_LINE.sub("&#10;", html.strip("\n")) + BLOCK_CLOSE


def is_clean_block(source: str) -> bool:
    """Whether `source` is already one raw block of cleaned HTML (what `clean_markdown` makes)."""
    inner = source[len(BLOCK_OPEN):-len(BLOCK_CLOSE)]
    return (source.startswith(BLOCK_OPEN) and source.endswith(BLOCK_CLOSE)
            and as_raw_block(clean_html(inner)) == source)


def render_markdown(source: str, attachments: dict | None = None) -> str:
    """HTML of a markdown cell as nbconvert renders it (an attachment that is missing is shown
    as its name instead of failing the whole page)."""
    try:
        return MarkdownWithMath(renderer=IPythonRenderer(escape=False, attachments=attachments)).render(source)
    except InvalidNotebook:
        return MarkdownWithMath(renderer=IPythonRenderer(escape=False)).render(
            source.replace("attachment:", "missing-attachment:"))


PLAIN_TOKENS = frozenset({
    "paragraph", "heading", "blank_line", "text", "emphasis", "strong", "codespan", "linebreak",
    "softbreak", "link", "image", "block_code", "block_quote", "list", "list_item", "block_text",
    "task_list_item", "thematic_break", "strikethrough", "table", "table_head", "table_body",
    "table_row", "table_cell", "def_list", "def_list_head", "def_list_item", "inline_math",
    "block_math", "multiline_math", "latex_environment",
})
"""Markdown nodes that nbconvert's renderer writes with their text escaped (raw HTML is not)."""

SAFE_SCHEMES = ("http", "https", "mailto", "attachment")
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")
_IGNORED_IN_URL = re.compile(r"[\x00-\x20]")  # browsers drop these, so "java\tscript:" is javascript:


def is_safe_url(url: str) -> bool:
    """A relative URL or one of SAFE_SCHEMES, read as a browser reads it."""
    scheme = _SCHEME.match(_IGNORED_IN_URL.sub("", unescape(url)).lower())
    return scheme is None or scheme.group(1) in SAFE_SCHEMES


def _plain(tokens: list[dict], attachments: frozenset[str]) -> bool:
    for token in tokens:
        kind = token.get("type")
        if kind not in PLAIN_TOKENS:
            return False
        if kind == "block_code" and (token.get("attrs", {}).get("info") or "").startswith("mermaid"):
            return False  # nbconvert writes a mermaid block's text unescaped
        url = token.get("attrs", {}).get("url", "")
        if kind in ("link", "image") and not is_safe_url(url):
            return False
        if kind == "image" and url.startswith("attachment:") and url[len("attachment:"):] not in attachments:
            return False  # nbconvert would fail the whole page
        if not _plain(token.get("children", []), attachments):
            return False
    return True


REMEMBERED_MARKDOWN_CHARS = 20_000
"""Cells up to this size have their verdict remembered: every submission repeats the course's
own markdown cells, which would otherwise be parsed again for each one."""


def is_plain_markdown(source: str, attachments: dict | None = None) -> bool:
    """Whether `source` holds only markdown that renders inert as it is: no raw HTML, no
    mermaid block, only safe URLs. Most cells, the course's own among them, are such."""
    names = frozenset(attachments or ())  # only their names matter (an image must name one)
    return _remembered_plain(source, names) if len(source) <= REMEMBERED_MARKDOWN_CHARS else _is_plain(source, names)


def _is_plain(source: str, attachment_names: frozenset[str]) -> bool:
    # renderer=None makes mistune return its token list, which its annotations do not allow for
    tokens, _ = MarkdownWithMath(renderer=None).parse(source)  # type: ignore[arg-type]
    return _plain(cast("list[dict[str, Any]]", tokens), attachment_names)


_remembered_plain = functools.lru_cache(maxsize=512)(_is_plain)


def clean_markdown(source: str, attachments: dict | None = None) -> str:
    """Markdown `source` unchanged when it renders inert already, else as cleaned HTML that
    renders the same."""
    if is_plain_markdown(source, attachments) or is_clean_block(source):
        return source
    return as_raw_block(clean_html(render_markdown(source, attachments)))


def _is_base64(text: object) -> bool:
    if not isinstance(text, str):
        return False
    try:
        base64.b64decode(text, validate=True) if "\n" not in text else base64.b64decode(text)
    except (binascii.Error, ValueError):
        return False
    return re.fullmatch(r"[A-Za-z0-9+/=\s]*", text) is not None


def _text(value: object) -> str:
    """A mime bundle value as one string (nbformat allows a list of lines)."""
    return "".join(value) if isinstance(value, list) else str(value)


def clean_bundle(data: dict) -> dict:
    """A display mime bundle with only what renders inert."""
    clean: dict = {}
    if "text/plain" in data:
        clean["text/plain"] = _text(data["text/plain"])
    for mime in RASTER_TYPES:
        if mime in data and _is_base64(data[mime]):
            clean[mime] = data[mime]
    html = []
    if "text/html" in data:
        html.append(clean_html(_text(data["text/html"])))
    elif "text/markdown" in data:
        html.append(clean_html(render_markdown(_text(data["text/markdown"]))))
    if "image/svg+xml" in data:
        svg = base64.b64encode(_text(data["image/svg+xml"]).encode()).decode("ascii")
        html.append(clean_html(f'<img src="data:image/svg+xml;base64,{svg}" alt="SVG image">'))
    if html:
        clean["text/html"] = "\n".join(html)
    return clean


def clean_output_metadata(metadata: dict) -> dict:
    """Only the integer width and height of images (the templates paste them unquoted)."""
    return {mime: {k: v for k, v in entry.items() if k in ("width", "height") and type(v) is int}
            for mime, entry in metadata.items()
            if mime in RASTER_TYPES and isinstance(entry, dict)}


def clean_output(output: NotebookNode) -> NotebookNode | None:
    """One output made inert, or None when nothing of it is safe to show."""
    if output.get("output_type") == "stream":
        output["name"] = "stderr" if output.get("name") == "stderr" else "stdout"
        output["text"] = _text(output.get("text", ""))
        return output
    if output.get("output_type") in ("display_data", "execute_result"):
        output["data"] = clean_bundle(output.get("data", {}))
        output["metadata"] = clean_output_metadata(output.get("metadata", {}))
        return output if output["data"] else None
    if output.get("output_type") == "error":
        output["ename"], output["evalue"] = _text(output.get("ename", "")), _text(output.get("evalue", ""))
        output["traceback"] = [_text(line) for line in output.get("traceback", [])]
        return output
    return None


class SanitizeStudentHTML(Preprocessor):
    """Makes every markdown cell and every output of the notebook inert HTML (see the module
    docstring). Runs where graded notebooks are written (`grucourse grade`, `nbgrader autograde`)
    and again where they are rendered (formgrader, `generate_feedback`), so a graded notebook
    written before this existed is shown clean too."""

    enabled = Bool(True, help="nbgrader registers its preprocessors without enabling them; on by default").tag(config=True)

    def preprocess_cell(self, cell: NotebookNode, resources: ResourcesDict,
                        index: int) -> tuple[NotebookNode, ResourcesDict]:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id is not None and not PLAIN_GRADE_ID.fullmatch(str(grade_id)):
            del cell.metadata["nbgrader"]  # forged: the course's own grade_ids are plain
        if cell.cell_type == "markdown":
            cleaned = clean_markdown(cell.source, cell.get("attachments"))
            if cleaned != cell.source:
                cell.source = cleaned
                cell.pop("attachments", None)  # embedded by the rendering
        elif cell.cell_type == "raw":  # shown as HTML when its raw_mimetype says so
            cell.source = clean_html(cell.source)
        elif cell.cell_type == "code":
            cell.outputs = [o for o in (clean_output(o) for o in cell.get("outputs", [])) if o is not None]
        return cell, resources
