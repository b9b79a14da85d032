"""reports/index.html: the class at a glance. Every text from a submission or the gradebook
(student ids, problems, check names) is escaped, and the page's policy allows no script."""
from __future__ import annotations

import html
from pathlib import Path

from grucourse.csp import STATIC_PAGE_META
from grucourse.pipeline.report_summary import AssignmentSummary, CheckSummary

BINS = 10
STYLE = ("body{font-family:sans-serif;max-width:64em;margin:auto;padding:0 1em}img{display:block;max-width:100%}"
         "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{padding:.25em .6em;border-bottom:1px solid #ddd;"
         "text-align:left;vertical-align:middle}td.n{text-align:right;font-variant-numeric:tabular-nums}"
         ".hist{display:flex;align-items:flex-end;height:2em;gap:1px}.hist span{width:.7em;background:#4477aa}"
         ".rate{width:12em;background:#eee}.rate span{display:block;height:.9em}.low{color:#a00;font-weight:bold}")


def index_page(out: Path, summaries: list[AssignmentSummary], checks: list[CheckSummary],
               figures: dict[str, list[Path]]) -> str:
    """The page: summary table, problems, then per assignment its figures and its checks."""
    body = ['<h1>Grades</h1><p><a href="scores.csv">scores.csv</a> · <a href="checks.csv">checks.csv</a></p>',
            "<h2>Summary</h2>", summary_table(summaries), "<h2>Submissions with problems</h2>",
            problem_table(summaries)]
    for summary in summaries:
        assignment = summary.assignment
        body.append(f'<h2 id="{html.escape(assignment)}">{html.escape(assignment)}</h2>')
        body += [f'<img src="{html.escape(f.relative_to(out).as_posix())}" alt="{html.escape(f.stem)}">'
                 for f in figures.get(assignment, [])]
        body.append(check_table([c for c in checks if c.assignment == assignment]))
    return (f"<!doctype html><meta charset=utf-8>{STATIC_PAGE_META}<title>Grades</title>"
            f"<style>{STYLE}</style>" + "\n".join(body))


def summary_table(summaries: list[AssignmentSummary]) -> str:
    head = ("<tr><th>assignment</th><th>submissions</th><th>max</th><th>mean</th><th>median</th>"
            "<th>min · Q1 · median · Q3 · max</th><th>distribution</th><th>with problems</th></tr>")
    rows = []
    for s in summaries:
        five = " · ".join(f"{value:.3g}" for value in s.quartiles)
        rows.append(f'<tr><td><a href="#{html.escape(s.assignment)}">{html.escape(s.assignment)}</a></td>'
                    f'<td class=n>{len(s.scores)}</td><td class=n>{s.max_score:g}</td><td class=n>{s.mean:.2f}</td>'
                    f'<td class=n>{s.median:.3g}</td><td class=n>{five}</td><td>{histogram(s)}</td>'
                    f'<td class=n>{s.with_problems}</td></tr>')
    return f"<table>{head}{''.join(rows)}</table>"


def histogram(summary: AssignmentSummary) -> str:
    """Counts of scores in ten equal bins from 0 to the maximum, as bars (title: the bin and count)."""
    top = summary.max_score or 1.0
    counts = [0] * BINS
    for score in summary.scores:
        counts[min(BINS - 1, max(0, int(BINS * score / top)))] += 1
    tallest = max(counts) or 1
    bars = "".join(f'<span style="height:{100 * count / tallest:.0f}%" '
                   f'title="{top * i / BINS:g}–{top * (i + 1) / BINS:g}: {count}"></span>'
                   for i, count in enumerate(counts))
    return f'<div class=hist aria-label="score distribution">{bars}</div>'


def problem_table(summaries: list[AssignmentSummary]) -> str:
    rows = [f"<tr><td>{html.escape(s.assignment)}</td><td>{html.escape(student)}</td><td>{html.escape(problem)}</td></tr>"
            for s in summaries for student, problem in s.problems]
    if not rows:
        return "<p>None: every submission was graded without a problem.</p>"
    return f"<table><tr><th>assignment</th><th>student</th><th>problem</th></tr>{''.join(rows)}</table>"


def check_table(checks: list[CheckSummary]) -> str:
    """Every hidden check by what it tests; those fewer than half pass are marked."""
    if not checks:
        return ""
    rows = []
    for c in checks:
        low = " class=low" if c.rate < 50 else ""
        rows.append(f"<tr><td>{html.escape(c.title)}</td><td class=n>{c.cases}</td>"
                    f"<td class=n{low}>{c.passed} / {c.submissions}</td>"
                    f'<td class=rate><span style="width:{c.rate:.0f}%;background:#228833"></span></td></tr>')
    return ("<table><tr><th>check: what it tests</th><th>cases</th><th>passed in every case</th><th>pass rate</th></tr>"
            + "".join(rows) + "</table>")
