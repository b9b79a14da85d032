"""Student markdown and outputs are made inert HTML before formgrader or a feedback page shows
them (grucourse/judge/sanitize.py), and the rendering the instructor sees is otherwise the same.

The pages render with nbconvert's own markdown filter, so that is what these tests run the
cleaned source through: what they check is what formgrader's template would put in the page.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

import nbformat
import pytest
from nbconvert.filters.markdown_mistune import (
    IPythonRenderer,
    MarkdownWithMath,
    markdown2html_mistune,
)

from grucourse.judge.sanitize import SanitizeStudentHTML, clean_markdown, clean_output

HOSTILE_MARKDOWN = [
    '<img src=x onerror="window.__pwned=1">',
    "<script>window.__pwned=1</script>",
    '<svg onload="window.__pwned=1"><circle r="3"/></svg>',
    "[click me](javascript:window.__pwned=1)",
    '<a href="JaVaScRiPt:window.__pwned=1">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD4xPC9zY3JpcHQ+">x</a>',
    '<iframe src="https://example.org"></iframe>',
    '<form action="/formgrader/api/grade/1" method="post"><input name="score" value="99"><button>ok</button></form>',
    '<div style="position:fixed;top:0;left:0;width:100%;height:100%">fake grading panel</div>',
    '<style>body{display:none}</style>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<base href="https://example.org/">',
    '<meta http-equiv="refresh" content="0;url=javascript:window.__pwned=1">',
    '<details open ontoggle="window.__pwned=1">x</details>',
    '<div id="base_url">DOM clobbering of formgrader\'s globals</div>',
    "<p>unclosed <b onmouseover='window.__pwned=1'>bold",
    "```\ncode\n\n\n```\n\n<p><img src=x onerror=window.__pwned=1></p>",  # a blank line must not end the block
    '<div>\n\n<img src=x onerror="window.__pwned=1">\n\n</div>',
]

LIVE_TAGS = {"script", "iframe", "frame", "form", "input", "button", "object", "embed", "svg", "math", "style",
             "link", "base", "meta"}


class _Live(HTMLParser):
    """Collects what a browser would act on: live tags, event handlers, styles, script URLs, and
    ids that could shadow the page's own globals."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in LIVE_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on") or name == "style" or value.startswith(("javascript:", "data:text")):
                self.found.append(f"{tag} {name}={value}")
            if name == "id" and value in ("base_url", "submission_id"):
                self.found.append(f"{tag} id={value}")


def live(html: str) -> list[str]:
    parser = _Live()
    parser.feed(html)
    parser.close()
    return parser.found


def rendered(source: str, attachments: dict[str, dict[str, str]] | None = None) -> str:
    """What formgrader's and the feedback template's markdown pass makes of a cell source (with the
    cell's attachments, which the course's figures are)."""
    if attachments is None:
        return markdown2html_mistune(source)
    return MarkdownWithMath(renderer=IPythonRenderer(escape=False, attachments=attachments)).render(source)


@pytest.mark.parametrize("payload", HOSTILE_MARKDOWN)
def test_hostile_markdown_renders_inert(payload: str) -> None:
    assert live(rendered(payload)), "the payload is live without cleaning (else this test proves nothing)"
    page = rendered(clean_markdown(payload))
    assert not live(page), page


def test_cleaning_keeps_what_the_student_wrote() -> None:
    source = ("# Gates\n\nThe update gate: $0 < z_t < 1$ and $$a \\le b$$, *stressed*, **bold**, `x < y`.\n\n"
              "> a quote\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- one\n- two\n\n"
              "```python\ndef f(x):\n\n    return x < 1\n```\n\n<b>raw bold</b> [a link](https://example.org)")
    page = rendered(clean_markdown(source))
    for kept in ("<h1", "$0 &lt; z_t &lt; 1$", "$$a \\le b$$", "<em>stressed</em>", "<strong>bold</strong>",
                 "<code>x &lt; y</code>", "<blockquote>", "<table>", "<li>one</li>", "<b>raw bold</b>",
                 'href="https://example.org"', 'class="highlight"'):
        assert kept in page, kept
    code = re.search(r"<pre>(.*?)</pre>", page, re.DOTALL).group(1)
    assert re.sub(r"<[^>]+>", "", code).replace("&#10;", "\n").replace("&lt;", "<") == "def f(x):\n\n    return x < 1\n"


def test_cleaning_is_idempotent_and_a_forged_clean_block_is_still_cleaned() -> None:
    once = clean_markdown("<b>x</b>\n\n\n<img src=x onerror=alert(1)>\n\n```\na\n\n\nb\n```")
    assert clean_markdown(once) == once
    forged = "<div>\n<img src=x onerror=alert(1)>\n</div>"
    assert "onerror" not in rendered(clean_markdown(forged))


def test_a_missing_attachment_does_not_break_the_page() -> None:
    page = rendered(clean_markdown("![figure](attachment:missing.png) text"))
    assert "text" in page and "onerror" not in page


def _display(data: dict, metadata: dict | None = None) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("display_data", data=data, metadata=metadata or {})


def test_outputs_keep_only_inert_types() -> None:
    output = clean_output(_display({
        "text/plain": "<HTML object>",
        "text/html": '<b onclick="window.__pwned=1">bold</b><script>window.__pwned=1</script>',
        "application/javascript": "window.__pwned=1",
        "application/vnd.jupyter.widget-view+json": {"model_id": "x"},
        "image/png": 'iVBORw0KGgo=" onerror="window.__pwned=1',
        "image/jpeg": "/9j/4AAQSkZJRg==",
        "image/svg+xml": '<svg onload="window.__pwned=1"/>',
    }, {"image/jpeg": {"width": "1 onerror=window.__pwned=1", "height": 20}}))
    assert set(output.data) == {"text/plain", "text/html", "image/jpeg"}  # the PNG is not base64
    assert output.data["text/html"].startswith("<b>bold</b>")
    assert 'src="data:image/svg+xml;base64,' in output.data["text/html"]
    assert not live(output.data["text/html"])
    assert output.metadata == {"image/jpeg": {"height": 20}}


def test_markdown_outputs_become_clean_html_and_javascript_outputs_are_dropped() -> None:
    shown = clean_output(_display({"text/markdown": "[x](javascript:window.__pwned=1) <img src=x onerror=y>"}))
    assert set(shown.data) == {"text/html"} and not live(shown.data["text/html"])
    assert clean_output(_display({"application/javascript": "window.__pwned=1"})) is None
    stream = clean_output(nbformat.v4.new_output("stream", name='stdout" onclick="x', text="<b>printed</b>"))
    assert stream.name == "stdout" and stream.text == "<b>printed</b>"  # the templates escape stream text


def test_the_preprocessor_cleans_cells_and_drops_forged_grade_ids() -> None:
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("<img src=x onerror=alert(1)>", metadata={"nbgrader": {
            "grade_id": 'x"><img src=x onerror=alert(1)>', "solution": True, "grade": False}}),
        nbformat.v4.new_markdown_cell("fine", metadata={"nbgrader": {"grade_id": "answer_q1", "solution": True}}),
        nbformat.v4.new_raw_cell("<script>alert(1)</script>raw", metadata={"raw_mimetype": "text/html"}),
        nbformat.v4.new_code_cell("display(HTML(...))", outputs=[_display({"application/javascript": "x"})]),
    ])
    nb, _ = SanitizeStudentHTML().preprocess(nb, {})
    assert "nbgrader" not in nb.cells[0].metadata and "onerror" not in nb.cells[0].source
    assert nb.cells[1].metadata.nbgrader.grade_id == "answer_q1"
    assert nb.cells[2].source == "raw"
    assert nb.cells[3].outputs == []


def test_the_course_config_sanitises_in_autograde_and_in_every_html_export() -> None:
    """Plain `nbgrader autograde` writes the cleaned notebook; formgrader and generate_feedback
    export with HTMLExporter, whose preprocessors the same config sets."""
    from grucourse.course import Course
    from grucourse.pipeline.course_copy import repository_root
    from grucourse.release import load_course_config

    config = load_course_config(Course.at(repository_root()))
    name = "grucourse.judge.sanitize.SanitizeStudentHTML"
    assert config.Autograde.autograde_preprocessors[-1] == name
    assert name in config.HTMLExporter.preprocessors


def test_plain_markdown_is_left_as_it_is_with_its_attachments() -> None:
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    source = "# Gates\n\n$0 < z < 1$, `x < y`, [docs](https://example.org) ![fig](attachment:fig.png)"
    cell = nbformat.v4.new_markdown_cell(source, attachments={"fig.png": {"image/png": png}})
    nb, _ = SanitizeStudentHTML().preprocess(nbformat.v4.new_notebook(cells=[cell]), {})
    assert nb.cells[0].source == source and nb.cells[0].attachments["fig.png"]["image/png"] == png


@pytest.mark.parametrize("url", ["javascript:x", "&#106;avascript:x", "JAVASCRIPT:x", "vbscript:x",
                                 "data:text/html,x"])
def test_a_link_with_a_script_url_is_not_plain_markdown(url: str) -> None:
    page = rendered(clean_markdown(f"[click]({url})"))
    assert "<a" in page and not live(page) and "script:" not in page.lower()


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_plain_nbgrader_autograde_and_generate_feedback_write_the_hostile_notebook_clean(tmp_path) -> None:
    """The course's nbgrader_config.py on nbgrader's own command line, no grucourse command."""
    import subprocess
    import sys

    from test_browser_xss import ASSIGNMENT, MALLORY, MARKER, PAYLOAD, hostile_submission

    from grucourse.pipeline.course_copy import copy_course

    course = copy_course(tmp_path / "course")
    nbgrader = [sys.executable, "-m", "nbgrader"]
    subprocess.run([*nbgrader, "generate_assignment", ASSIGNMENT, "--force"], cwd=course.root,
                   check=True, capture_output=True, timeout=300)
    submitted = course.submission(MALLORY, ASSIGNMENT)
    submitted.parent.mkdir(parents=True)
    nbformat.write(hostile_submission(course, PAYLOAD % {"port": 9}), submitted)
    for command in ("autograde", "generate_feedback"):
        run = subprocess.run([*nbgrader, command, ASSIGNMENT], cwd=course.root, capture_output=True, text=True,
                             timeout=600)
        assert run.returncode == 0, run.stderr[-3000:]
    graded = nbformat.read(course.autograded_notebook(MALLORY, ASSIGNMENT), as_version=4)
    markdown = [c for c in graded.cells if c.cell_type == "markdown"]
    assert any(MARKER in c.source for c in markdown)
    assert not any(live(rendered(c.source, c.get("attachments", {}))) for c in markdown)
    feedback = (course.feedback / MALLORY / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    body = feedback.split('id="notebook-container"', 1)[-1] if 'id="notebook-container"' in feedback else feedback
    assert MARKER in feedback and not live(body)
