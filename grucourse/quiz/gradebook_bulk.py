"""Stores a batch of quiz results in nbgrader's gradebook with one session and one commit.

The pipeline's writer commits once per submission, which is right for code assignments (tens
of submissions per minute) but makes a 2000-student quiz wait on SQLite. Here missing students
and submissions are created the way `Gradebook.add_submission` creates them, all grades of the
assignment are fetched in one query, and everything is committed once.
"""
from __future__ import annotations

from typing import Iterable

from nbgrader.api import (Comment, Grade, GradeCell, Gradebook, Student, SubmittedAssignment,
                          SubmittedNotebook)
from nbgrader.coursedir import CourseDirectory
from nbgrader.utils import parse_utc

from grucourse.course import Course
from grucourse.results import SubmissionResult


def store_quiz_results(course: Course, assignment: str, results: Iterable[SubmissionResult]) -> None:
    """Set every question's auto_score from `results`; manual scores are kept and flagged for review."""
    by_student = {r.student: r for r in results}
    coursedir = CourseDirectory(root=str(course.root))
    with Gradebook(course.db_url) as gradebook:
        target = gradebook.find_assignment(assignment)
        db = gradebook.db
        students = {sid for (sid,) in db.query(Student.id)}
        submitted = {sid for (sid,) in db.query(SubmittedAssignment.student_id)
                     .filter(SubmittedAssignment.assignment_id == target.id)}
        with db.no_autoflush:
            for student in by_student:
                if student not in students:
                    db.add(Student(id=student))
                if student not in submitted:
                    stamp = coursedir.get_existing_timestamp(str(course.submission(student, assignment).parent))
                    db.add(_new_submission(target, student, parse_utc(stamp) if stamp else None))
        db.flush()
        rows = (db.query(Grade, SubmittedAssignment.student_id, GradeCell.name, GradeCell.max_score)
                .join(GradeCell, Grade.cell_id == GradeCell.id)
                .join(SubmittedNotebook, Grade.notebook_id == SubmittedNotebook.id)
                .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
                .filter(SubmittedAssignment.assignment_id == target.id))
        for grade, student, name, max_score in rows:
            if student in by_student:
                cell = by_student[student].cells.get(name)
                grade.auto_score = min(cell.score, max_score) if cell else 0.0
                grade.needs_manual_grade = grade.manual_score is not None
        db.commit()


def _new_submission(assignment, student: str, timestamp) -> SubmittedAssignment:
    """A submission mirroring the assignment's notebooks and cells, as nbgrader's add_submission."""
    submission = SubmittedAssignment(assignment=assignment, student_id=student, timestamp=timestamp)
    for notebook in assignment.notebooks:
        submitted = SubmittedNotebook(notebook=notebook, assignment=submission)
        for cell in notebook.grade_cells:
            Grade(cell_id=cell.id, notebook=submitted)
        for cell in list(notebook.solution_cells) + list(notebook.task_cells):
            Comment(cell_id=cell.id, notebook=submitted)
        for cell in notebook.task_cells:
            Grade(cell_id=cell.id, notebook=submitted)
    return submission
