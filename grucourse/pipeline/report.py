"""`reports/`: scores.csv, checks.csv, figures and an index.html that shows them."""
from __future__ import annotations

import html
from pathlib import Path
from typing import Callable

from grucourse.course import Course, is_quiz
from grucourse.csp import STATIC_PAGE_META
from grucourse.pipeline.report_data import check_rows, score_rows, write_csv
from grucourse.pipeline.report_plots import check_pass_rates, score_histogram


def build_report(course: Course, say: Callable[[str], None] = lambda text: None) -> Path:
    """Write every report file and return the index page; `say` gets each quiz's item analysis."""
    out = course.reports
    out.mkdir(parents=True, exist_ok=True)
    scores = score_rows(course)
    checks = check_rows(course, scores)
    write_csv(out / "scores.csv", scores)
    write_csv(out / "checks.csv", checks)
    sections = []
    for assignment in sorted({r.assignment for r in scores}):
        figures = [score_histogram(scores, assignment, out), check_pass_rates(checks, assignment, out)]
        if is_quiz(assignment):
            figures += item_analysis(course, assignment, out, say)
        sections.append((assignment, [f for f in figures if f]))
    index = out / "index.html"
    index.write_text(index_page(out, sections), encoding="utf-8")
    return index


def item_analysis(course: Course, assignment: str, out: Path, say: Callable[[str], None]) -> list[Path]:
    """The quiz engine's item analysis (difficulty, discrimination per question), CSV and PNG."""
    from grucourse.quiz.item_analysis import analyse_gradebook

    analysis = analyse_gradebook(course, assignment, out / f"{assignment}_items")
    say(analysis.summary())
    return [analysis.png] if analysis.png else []


def index_page(out: Path, sections: list[tuple[str, list[Path]]]) -> str:
    body = ['<h1>Grades</h1><p><a href="scores.csv">scores.csv</a> · <a href="checks.csv">checks.csv</a></p>']
    for assignment, figures in sections:
        body.append(f"<h2>{html.escape(assignment)}</h2>")
        body += [f'<img src="{html.escape(f.relative_to(out).as_posix())}" '
                 f'alt="{html.escape(f.stem)}">' for f in figures]
    return (f"<!doctype html><meta charset=utf-8>{STATIC_PAGE_META}<title>Grades</title>"
            "<style>body{font-family:sans-serif;max-width:60em;margin:auto}img{display:block;max-width:100%}</style>"
            + "\n".join(body))
