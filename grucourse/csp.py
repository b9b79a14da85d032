"""Content-Security-Policy of every page the instructor opens, so that markup a sanitiser missed
still cannot run script there.

* `grucourse lab` loads this module as a Jupyter server extension. It sets, on every HTML
  response of JupyterLab and formgrader, a policy whose scripts are the server's own files,
  nbconvert's MathJax from cdnjs, and exactly the inline scripts of that response, by hash,
  except on a formgrader grading page, where only those above the rendered notebook count: the
  student's part of the page gets none. Inline event handlers are refused, but for the few
  written in nbgrader's own templates (`'unsafe-hashes'` with their hashes), and so are
  `javascript:` URLs, plugins, `<base>` and forms to other sites. `'unsafe-eval'` stays: formgrader's
  underscore templates and JupyterLab's settings validator compile functions at run time, and
  only a script already allowed can call eval.
* `STATIC_PAGE_META` goes into the reports the package writes (reports/index.html, the
  similarity pages): they need no script at all.
"""
from __future__ import annotations

import base64
import hashlib
import re
from functools import cache
from pathlib import Path
from typing import Any

from tornado.httputil import HTTPHeaders
from tornado.web import OutputTransform

STATIC_PAGE_POLICY = ("default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
                      "base-uri 'none'; form-action 'none'")
STATIC_PAGE_META = f'<meta http-equiv="Content-Security-Policy" content="{STATIC_PAGE_POLICY}">'

MATHJAX_ORIGIN = "https://cdnjs.cloudflare.com"
"""Where nbconvert's templates (formgrader's grading page) load MathJax and require.js from."""

STUDENT_PART = b'id="notebook-container"'
"""Where formgrader's grading page starts the rendered notebook (templates/formgrade/index.html.j2)."""

_INLINE_SCRIPT = re.compile(rb"<script\b([^>]*)>(.*?)</script\s*>", re.DOTALL | re.IGNORECASE)
_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _hash(text: bytes) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text).digest()).decode("ascii") + "'"


def inline_script_hashes(page: bytes) -> list[str]:
    """Hashes of the inline scripts of `page`, stopping where a grading page's notebook begins."""
    own = page.split(STUDENT_PART, 1)[0]
    return sorted({_hash(body) for attrs, body in _INLINE_SCRIPT.findall(own)
                   if b"src=" not in attrs.lower() and body.strip()})


@cache
def template_handler_hashes() -> tuple[str, ...]:
    """Hashes of the inline event handlers in nbgrader's formgrader templates (`onclick=...`)."""
    from nbgrader.server_extensions.formgrader import handlers

    found = set()
    for template in Path(handlers.template_path).rglob("*"):
        if template.is_file():
            for double, single in _HANDLER.findall(template.read_text(encoding="utf-8")):
                found.add(_hash((double or single).encode()))
    return tuple(sorted(found))


def lab_policy(page: bytes, base_url: str = "/") -> str:
    """The policy of one HTML response of the lab server."""
    scripts = " ".join(["'self'", "'unsafe-eval'", MATHJAX_ORIGIN, *inline_script_hashes(page),
                        "'unsafe-hashes'", *template_handler_hashes()])
    return "; ".join([
        "default-src 'self'",
        f"script-src {scripts}",
        f"style-src 'self' 'unsafe-inline' {MATHJAX_ORIGIN}",
        f"font-src 'self' data: {MATHJAX_ORIGIN}",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
        f"report-uri {base_url.rstrip('/')}/api/security/csp-report",
    ])


class StrictContentSecurityPolicy(OutputTransform):
    """Sets `lab_policy` on each HTML response, from the response's own inline scripts."""

    base_url = "/"

    def transform_first_chunk(self, status_code: int, headers: HTTPHeaders, chunk: bytes,
                              finishing: bool) -> tuple[int, HTTPHeaders, bytes]:
        if headers.get("Content-Type", "").startswith("text/html"):
            headers["Content-Security-Policy"] = lab_policy(chunk, self.base_url)
        return status_code, headers, chunk


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "grucourse.csp"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Installs the policy first among the server's output transforms (before any compression)."""
    StrictContentSecurityPolicy.base_url = serverapp.base_url
    serverapp.web_app.transforms.insert(0, StrictContentSecurityPolicy)
