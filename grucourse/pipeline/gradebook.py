"""The single gradebook writer: every judge result goes into nbgrader's SQLite gradebook from
one process, in one transaction, so workers never meet SQLite's write lock and a run killed
while writing leaves the gradebook as it was.

It stores what nbgrader's SaveAutoGrades stores (auto_score per autograded cell; a cell with a
manual score is flagged for review) without running the Autograde converter per notebook,
which opens the database once per preprocessor and commits once per cell: too slow for quiz
classes (measurements in docs/architecture.md, "Writing the gradebook").
"""
from __future__ import annotations

import warnings
from itertools import groupby
from typing import Iterable

from nbgrader.api import (
    Assignment, Comment, Grade, Gradebook, Student, SubmittedAssignment, SubmittedNotebook,
)
from nbgrader.coursedir import CourseDirectory
from sqlalchemy.orm import Session, selectinload

from grucourse.course import Course
from grucourse.results import SubmissionResult


def write_gradebook(course: Course, results: Iterable[SubmissionResult]) -> None:
    """Store (or overwrite) the automatic scores of every result; manual scores are kept."""
    coursedir = CourseDirectory(root=str(course.root))
    with Gradebook(course.db_url) as gradebook:
        db = gradebook.db
        students = {s.id: s for s in db.query(Student)}
        for name, group in groupby(sorted(results, key=lambda r: r.assignment), key=lambda r: r.assignment):
            assignment = gradebook.find_assignment(name)
            autograded = {c.id: c for nb in assignment.notebooks for c in nb.grade_cells if c.cell_type == "code"}
            submissions = _submissions(db, assignment)
            for result in group:
                student = students.get(result.student) or students.setdefault(result.student, Student(id=result.student))
                submission = submissions.get(result.student) or _new_submission(db, assignment, student)
                timestamp = coursedir.get_existing_timestamp(
                    str(course.submission(result.student, result.assignment).parent))
                if timestamp:
                    submission.timestamp = timestamp
                for grade in (g for nb in submission.notebooks for g in nb.grades if g.cell_id in autograded):
                    cell = result.cells.get(autograded[grade.cell_id].name)
                    grade.auto_score = min(cell.score, cell.max_score) if cell else 0.0  # 0: deleted or unreadable
                    grade.needs_manual_grade = grade.manual_score is not None
        db.commit()


def _submissions(db: Session, assignment: Assignment) -> dict[str, SubmittedAssignment]:
    """Existing submissions of an assignment with their grades, in three queries instead of one per grade."""
    query = (db.query(SubmittedAssignment).filter_by(assignment_id=assignment.id)
             .options(selectinload(SubmittedAssignment.notebooks).selectinload(SubmittedNotebook.grades)))
    return {s.student_id: s for s in query}


def _new_submission(db: Session, assignment: Assignment, student: Student) -> SubmittedAssignment:
    """nbgrader's Gradebook.add_submission without its commit: the whole run is one transaction."""
    submission = SubmittedAssignment(assignment=assignment, student=student)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*not in session.*")  # objects join the session below
        for notebook in assignment.notebooks:
            submitted = SubmittedNotebook(notebook=notebook, assignment=submission)
            for cell in notebook.grade_cells:
                Grade(cell_id=cell.id, notebook=submitted)
            for cell in notebook.solution_cells:
                Comment(cell_id=cell.id, notebook=submitted)
            for cell in notebook.task_cells:
                Comment(cell_id=cell.id, notebook=submitted)
                Grade(cell_id=cell.id, notebook=submitted)
    db.add(submission)
    return submission
