"""The work of one instant check, run in a judge worker process: grade the student's notebook with
the trusted judge and keep only what the student may see.

What leaves the worker is the feedback nbgrader's feedback page shows (each graded cell named as
on that page, the hidden checks' own messages and hints, the problems with the file), never the
judge's log (it holds the seed of the hidden inputs), the hidden tests or the cell outputs.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from grucourse.course import Course
from grucourse.grading.submission import grade_submission
from grucourse.judge.grade import GradingSetupError
from grucourse.judge.notebook import read_course_notebook
from grucourse.pipeline.feedback_page import cell_labels
from grucourse.results import SubmissionResult


def student_view(course: Course, result: SubmissionResult, show_score: bool) -> dict[str, Any]:
    """The result as the student sees it: per graded cell its name, pass or fail, the feedback
    lines of its checks (hints included) and, if the instructor shows scores, the points."""
    labels = cell_labels(read_course_notebook(course.source_notebook(result.assignment)))
    cells = []
    for grade_id, cell in result.cells.items():
        shown: dict[str, Any] = {
            "grade_id": grade_id,
            "label": labels.get(grade_id, grade_id),
            "passed": bool(cell.checks) and all(check.passed for check in cell.checks),
            "lines": [line.strip() for line in cell.feedback().splitlines()[1:]],
        }
        if show_score:
            shown.update(score=cell.score, max_score=cell.max_score)
        cells.append(shown)
    view: dict[str, Any] = {"assignment": result.assignment, "cells": cells, "problems": list(result.problems)}
    if show_score:
        view.update(score=round(result.score, 6), max_score=result.max_score)
    return view


def run_check(course_root: str, user: str, assignment: str, notebook: str, show_score: bool) -> str:
    """JSON text {"outcome", "score", "max_score", "view"}; outcome "graded" or "error" (the
    course's hidden checks are broken: the student is told, the instructor's log has why)."""
    course = Course.at(course_root)
    try:
        result = grade_submission(course, user, assignment, Path(notebook))
    except GradingSetupError as exc:
        return json.dumps({"outcome": "error", "detail": str(exc)})
    return json.dumps({"outcome": "graded", "score": result.score, "max_score": result.max_score,
                       "view": student_view(course, result, show_score)})
