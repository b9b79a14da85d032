"""What a grading run tells the instructor: counts and mean score per assignment, then every problem."""
from __future__ import annotations

from itertools import groupby
from statistics import mean, median

from rich.console import Console
from rich.table import Table

from grucourse.pipeline.grading import Graded
from grucourse.pipeline.report_data import ScoreRow
from grucourse.terminal import rich_text


def summary_table(graded: list[Graded]) -> Table:
    table = Table(title="Grading summary")
    for column in ("assignment", "submissions", "judged", "cached", "problems", "mean", "median", "max"):
        table.add_column(column, justify="left" if column == "assignment" else "right")
    by_assignment = groupby(sorted(graded, key=lambda g: g.result.assignment), key=lambda g: g.result.assignment)
    for assignment, group in by_assignment:
        rows = list(group)
        table.add_row(
            assignment,
            str(len(rows)),
            str(sum(not g.reused for g in rows)),
            str(sum(g.reused for g in rows)),
            str(sum(bool(g.result.problems) for g in rows)),
            f"{mean(g.result.score for g in rows):.2f}",
            f"{median(g.result.score for g in rows):g}",
            f"{max(g.result.max_score for g in rows):g}",
        )
    return table


def print_summary(graded: list[Graded], console: Console) -> None:
    console.print(summary_table(graded))
    problems = [problem for g in graded for problem in g.result.problems]
    if problems:
        console.print(f"[bold red]{len(problems)} problem(s):")
        for problem in problems:
            console.print(rich_text(f"  {problem}"), highlight=False, soft_wrap=True)


def score_table(rows: list[ScoreRow]) -> Table:
    """Students down, assignments across: the class at a glance."""
    assignments = sorted({r.assignment for r in rows})
    top = {r.assignment: r.max_score for r in rows}
    scores = {(r.student, r.assignment): r.score for r in rows}
    table = Table(title="Scores")
    table.add_column("student")
    for assignment in assignments:
        table.add_column(f"{assignment} (/{top[assignment]:g})", justify="right")
    for student in sorted({r.student for r in rows}):
        table.add_row(rich_text(student, keep_lines=False), *(f"{round(scores[student, a], 2):g}" if (student, a) in scores else "-" for a in assignments))
    return table
