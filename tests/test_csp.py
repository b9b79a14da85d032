"""The lab server's Content-Security-Policy (grucourse/csp.py), checked on page text; the
browser tests (test_browser.py, test_browser_xss.py) check formgrader and JupyterLab under it."""
from __future__ import annotations

import base64
import hashlib

from grucourse.csp import lab_policy, template_handler_hashes


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _script_src(policy: str) -> str:
    return next(d for d in policy.split("; ") if d.startswith("script-src "))


def test_the_pages_own_inline_scripts_are_allowed_but_none_inside_a_grading_pages_notebook() -> None:
    page = ('<html><head><script>var submission_id = "1";</script><script src="/a.js"></script>'
            '<script type="application/json">{}</script></head><body>'
            '<div id="notebook-container"><script>window.__pwned = 1</script></div></body></html>')
    scripts = _script_src(lab_policy(page.encode()))
    assert _hash('var submission_id = "1";') in scripts
    assert _hash("window.__pwned = 1") not in scripts
    assert "'unsafe-inline'" not in scripts


def test_only_formgraders_own_inline_handlers_are_allowed() -> None:
    scripts = _script_src(lab_policy(b"<html></html>"))
    assert _hash("toggle_name(true);") in template_handler_hashes()
    assert _hash("toggle_name(true);") in scripts
    assert _hash("window.__pwned = 1") not in scripts


def test_the_policy_refuses_plugins_foreign_forms_and_framing_and_reports_to_jupyter() -> None:
    policy = lab_policy(b"", "/base/")
    for directive in ("object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'self'",
                      "connect-src 'self'", "report-uri /base/api/security/csp-report"):
        assert directive in policy.split("; ")
