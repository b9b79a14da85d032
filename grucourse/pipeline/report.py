"""`reports/`: scores.csv, checks.csv, figures and an index.html that shows them."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from grucourse.course import Course
from grucourse.pipeline.report_data import check_rows, score_rows, write_csv
from grucourse.pipeline.report_page import index_page
from grucourse.pipeline.report_plots import cell_score_chart, score_histogram
from grucourse.pipeline.report_summary import (
    assignment_summaries,
    cached_results,
    cell_summaries,
    check_summaries,
    in_notebook_order,
)


def build_report(course: Course, say: Callable[[str], None] = lambda text: None) -> Path:
    """Write every report file and return the index page; `say` gets each quiz's item analysis."""
    out = course.reports
    out.mkdir(parents=True, exist_ok=True)
    scores = score_rows(course)
    checks = check_rows(course, scores)
    write_csv(out / "scores.csv", scores)
    write_csv(out / "checks.csv", checks)
    results = cached_results(course, scores)
    summaries, cells = assignment_summaries(scores, results), in_notebook_order(course, cell_summaries(course, results))
    figures = {}
    for summary in summaries:
        assignment = summary.assignment
        drawn = [score_histogram(scores, assignment, out), cell_score_chart(cells, assignment, out)]
        if course.is_quiz(assignment):
            drawn += item_analysis(course, assignment, out, say)
        figures[assignment] = [f for f in drawn if f]
    index = out / "index.html"
    index.write_text(index_page(out, summaries, in_notebook_order(course, check_summaries(course, results)), figures), encoding="utf-8")
    return index


def item_analysis(course: Course, assignment: str, out: Path, say: Callable[[str], None]) -> list[Path]:
    """The quiz engine's item analysis (difficulty, discrimination per question), CSV and PNG."""
    from grucourse.quiz.item_analysis import analyse_gradebook

    analysis = analyse_gradebook(course, assignment, out / f"{assignment}_items")
    say(analysis.summary())
    return [analysis.png] if analysis.png else []
