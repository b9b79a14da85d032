"""reports/index.html and its charts, from hand-made summaries: the numbers an instructor reads,
every check named by what it tests, hostile text escaped, charts at a legible natural size."""
from __future__ import annotations

from pathlib import Path

from course_support import REPO
from PIL import Image

from grucourse.pipeline.report_data import ScoreRow
from grucourse.pipeline.report_page import index_page
from grucourse.pipeline.report_plots import (
    DPI,
    FONT,
    WIDTH_INCHES,
    cell_score_chart,
    score_histogram,
)
from grucourse.pipeline.report_summary import (
    AssignmentSummary,
    CellSummary,
    CheckSummary,
    assignment_summaries,
    check_summaries,
    check_title,
)
from grucourse.results import CellResult, CheckResult, SubmissionResult

EVIL = '<img src=x onerror="alert(1)">'


def _result(student: str, passed: list[bool], problems: list[str] = ()) -> SubmissionResult:  # type: ignore[assignment]
    checks = [CheckResult("the gate matches sigmoid(X W + H_prev U + b)", ok, case=f"n={i}") for i, ok in enumerate(passed)]
    checks.append(CheckResult("reset_gate leaves its inputs unchanged", True))
    cell = CellResult("reset_gate_tests", float(all(passed)), 1.0, checks)
    return SubmissionResult(student, "gru_gates", {"reset_gate_tests": cell}, list(problems))


def test_a_check_is_counted_once_per_submission_over_its_cases() -> None:
    results = [_result("ann", [True, True, True]), _result("bob", [True, False, True]), _result("cy", [True] * 3)]
    gate, unchanged = check_summaries(REPO, results)
    assert (gate.title, gate.cases, gate.passed, gate.submissions) == (
        "reset_gate: the gate matches sigmoid(X W + H_prev U + b)", 3, 2, 3)
    assert unchanged.title == "reset_gate leaves its inputs unchanged", "a name that starts with its function is kept"
    assert "[" not in gate.title and "n=" not in gate.title, "no parametrize id in the name"


def test_quiz_questions_are_named_by_their_id() -> None:
    assert check_title(REPO, "quiz_introduction", "update_gate_near_one", "answer") == "question update_gate_near_one"


def test_summary_statistics_and_problems() -> None:
    scores = [ScoreRow(s, "gru_gates", v, 10.0) for s, v in (("a", 0.0), ("b", 4.0), ("c", 6.0), ("d", 10.0))]
    [summary] = assignment_summaries(scores, [_result("b", [True], ["b: notebook renamed"])])
    assert (summary.mean, summary.median, summary.quartiles) == (5.0, 5.0, (0.0, 3.0, 5.0, 7.0, 10.0))
    assert summary.with_problems == 1 and summary.problems == (("b", "b: notebook renamed"),)


def test_index_page_shows_the_table_and_escapes_everything() -> None:
    summary = AssignmentSummary("gru_gates", 10.0, (2.0, 9.0, 10.0), ((EVIL, f"problem {EVIL}"),))
    check = CheckSummary("gru_gates", "reset_gate_tests", f"reset_gate: {EVIL}", 3, 1, 3)
    page = index_page(Path("/r"), [summary], [check], {"gru_gates": [Path("/r/gru_gates_scores.png")]})
    assert "<table>" in page and ">7.00<" in page and ">9<" in page, "mean and median in the summary table"
    assert "2 · 5.5 · 9 · 9.5 · 10" in page, "the five-number summary"
    assert EVIL not in page and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
    assert "Content-Security-Policy" in page and "script-src" not in page.split("<title>")[1]
    assert 'class=low>1 / 3<' in page, "a check fewer than half pass is marked"
    assert '<img src="gru_gates_scores.png"' in page


def test_charts_are_drawn_for_their_natural_size(tmp_path: Path) -> None:
    """900 px wide (the page column is wider, so never scaled down) and at least 40 px per bar."""
    cells = [CellSummary("gru_variants", f"cell_{i}_tests", f"function_number_{i}", 10.0 * i) for i in range(13)]
    chart = Image.open(cell_score_chart(cells, "gru_variants", tmp_path))
    assert chart.size[0] == WIDTH_INCHES * DPI <= 900 and chart.size[1] >= 40 * len(cells)
    assert chart.size[1] <= 800, "thirteen cells fit one screen"
    histogram = Image.open(score_histogram([ScoreRow("a", "gru_variants", 3.0, 22.0)], "gru_variants", tmp_path))
    assert histogram.size[0] == 900 and FONT >= 11
