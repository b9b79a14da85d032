"""The single gradebook writer: every judge result goes into nbgrader's SQLite gradebook from
one process and one session, so concurrent workers never meet SQLite's write lock.

It does what nbgrader's SaveAutoGrades does (auto_score per grade cell, a grade overridden by
hand is flagged for review) without running the Autograde converter per notebook: that costs
one database connection per preprocessor per notebook, too slow for quiz classes
(see docs/architecture.md, "Writing the gradebook").
"""
from __future__ import annotations

import warnings
from typing import Iterable

from nbgrader.api import Gradebook, GradeCell
from nbgrader.coursedir import CourseDirectory

from grucourse.course import Course
from grucourse.results import SubmissionResult


def write_gradebook(course: Course, results: Iterable[SubmissionResult]) -> None:
    """Store (or overwrite) the automatic scores of every result; manual scores are kept."""
    coursedir = CourseDirectory(root=str(course.root))
    with warnings.catch_warnings(), Gradebook(course.db_url) as gradebook:
        warnings.filterwarnings("ignore", message=".*not in session.*")  # nbgrader's add_submission, harmless
        for result in results:
            gradebook.update_or_create_student(result.student)
            timestamp = coursedir.get_existing_timestamp(
                str(course.submission(result.student, result.assignment).parent))
            extra = {"timestamp": timestamp} if timestamp else {}
            submission = gradebook.update_or_create_submission(result.assignment, result.student, **extra)
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    _score(grade, result)
            gradebook.db.commit()


def _score(grade, result: SubmissionResult) -> None:
    """A code grade cell gets the judge's score, 0 when the judge has none (deleted, unreadable)."""
    if not isinstance(grade.cell, GradeCell) or grade.cell.cell_type != "code":
        return  # written answers and tasks are graded by hand
    cell = result.cells.get(grade.name)
    grade.auto_score = min(cell.score, grade.max_score) if cell else 0.0
    grade.needs_manual_grade = grade.manual_score is not None
