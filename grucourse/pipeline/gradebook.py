"""The single gradebook writer: every judge result goes into nbgrader's SQLite gradebook from
one process, in one transaction, so workers never meet SQLite's write lock and a run killed
while writing leaves the gradebook as it was.

It stores what nbgrader's SaveAutoGrades stores (auto_score per autograded cell; a cell with a
manual score is flagged for review) without running the Autograde converter per notebook,
which opens the database once per preprocessor and commits once per cell: too slow for quiz
classes (measurements in docs/architecture.md, "Writing the gradebook"). Rows are written with
SQLAlchemy's bulk INSERT and UPDATE (one executemany per table and assignment) rather than as
ORM objects, which costs seconds for a 2000-student quiz class.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from nbgrader.api import (
    Assignment,
    Comment,
    Grade,
    Gradebook,
    GradeCell,
    Student,
    SubmittedAssignment,
    SubmittedNotebook,
    new_uuid,
)
from nbgrader.coursedir import CourseDirectory
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from grucourse.course import Course
from grucourse.results import SubmissionResult
from grucourse.scores import round_score


def write_gradebook(course: Course, results: Iterable[SubmissionResult]) -> None:
    """Store (or overwrite) the automatic scores of every result; manual scores are kept."""
    by_assignment: dict[str, dict[str, SubmissionResult]] = defaultdict(dict)
    for result in results:
        by_assignment[result.assignment][result.student] = result
    coursedir = CourseDirectory(root=str(course.root))
    with Gradebook(course.db_url) as gradebook:
        db = gradebook.db
        for name, by_student in sorted(by_assignment.items()):
            assignment = gradebook.find_assignment(name)
            stamps = {student: coursedir.get_existing_timestamp(str(course.submission(student, name).parent))
                      for student in by_student}
            _add_submissions(db, assignment, stamps)
            _set_auto_scores(db, assignment, by_student)
        db.commit()


def _add_submissions(db: Session, assignment: Assignment, stamps: dict[str, datetime | None]) -> None:
    """Create missing students and submissions as nbgrader's Gradebook.add_submission does (a Grade
    per grade and task cell, a Comment per solution and task cell), without its commit; record
    each submission's timestamp.txt, as `nbgrader autograde` does."""
    existing: dict[str, str] = dict(db.execute(select(SubmittedAssignment.student_id, SubmittedAssignment.id)
                               .where(SubmittedAssignment.assignment_id == assignment.id)).all())
    stamped = [{"id": existing[s], "timestamp": t} for s, t in stamps.items() if s in existing and t]
    if stamped:
        db.execute(update(SubmittedAssignment), stamped)
    new = [s for s in stamps if s not in existing]
    if not new:
        return
    students = set(db.scalars(select(Student.id)))
    if missing := [{"id": s} for s in new if s not in students]:
        db.execute(insert(Student), missing)
    submissions = [{"id": new_uuid(), "assignment_id": assignment.id, "student_id": s, "timestamp": stamps[s]}
                   for s in new]
    notebooks = [{"id": new_uuid(), "assignment_id": sub["id"], "notebook": nb}
                 for sub in submissions for nb in assignment.notebooks]
    grades = [{"notebook_id": n["id"], "cell_id": cell.id}
              for n in notebooks for cell in [*n["notebook"].grade_cells, *n["notebook"].task_cells]]
    comments = [{"notebook_id": n["id"], "cell_id": cell.id}
                for n in notebooks for cell in [*n["notebook"].solution_cells, *n["notebook"].task_cells]]
    db.execute(insert(SubmittedAssignment), submissions)
    db.execute(insert(SubmittedNotebook), [{"id": n["id"], "assignment_id": n["assignment_id"],
                                          "notebook_id": n["notebook"].id} for n in notebooks])
    for model, rows in ((Grade, grades), (Comment, comments)):
        if rows:
            db.execute(insert(model), rows)


def _set_auto_scores(db: Session, assignment: Assignment, by_student: dict[str, SubmissionResult]) -> None:
    """auto_score of every autograded (code) cell from the results, keyed by the cell's grade_id."""
    rows = db.execute(
        select(Grade.id, SubmittedAssignment.student_id, GradeCell.name, GradeCell.max_score, Grade.manual_score)
        .join(GradeCell, Grade.cell_id == GradeCell.id)
        .join(SubmittedNotebook, Grade.notebook_id == SubmittedNotebook.id)
        .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
        .where(SubmittedAssignment.assignment_id == assignment.id, GradeCell.cell_type == "code"))
    scores = []
    for grade_id, student, name, max_score, manual_score in rows:
        if student in by_student:
            cell = by_student[student].cells.get(name)
            scores.append({"id": grade_id,
                           "auto_score": round_score(min(cell.score, max_score)) if cell else 0.0,  # 0: deleted or unreadable
                           "needs_manual_grade": manual_score is not None})
    if scores:
        db.execute(update(Grade), scores)
