"""Grades a class's quiz submissions in a small process pool and stores them in one gradebook session.

Quiz grading executes nothing, so the Dask pipeline's sandbox and per-submission overhead buy
nothing here; a batch is parsed in worker processes and written with one gradebook commit
(`grucourse.quiz.gradebook_bulk`). Workers come from a fork server, so a caller with threads
(Dask, Jupyter, pytest plugins) cannot hand them a lock held at fork time.
"""
from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

from grucourse.course import Course
from grucourse.quiz.grade import current_quiz, grade_quiz_notebook
from grucourse.results import CellResult, CheckResult, SubmissionResult


def grade_quiz_file(course: Course, student: str, assignment: str, path: Path) -> SubmissionResult:
    """One submitted file; unreadable JSON gives every question 0 and names the file and problem."""
    try:
        notebook = json.loads(path.read_bytes().decode("utf-8"))
        if not isinstance(notebook, dict):
            raise ValueError("the top level is not a JSON object")
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return unreadable(course, student, assignment, f"{path}: not a readable notebook ({exc})")
    return grade_quiz_notebook(course, student, assignment, notebook)


def unreadable(course: Course, student: str, assignment: str, problem: str) -> SubmissionResult:
    """A zero for every question of the quiz, each saying why."""
    result = SubmissionResult(student=student, assignment=assignment, problems=[problem])
    for question in current_quiz(course, assignment).questions:
        check = CheckResult("answer", False, 1.0, problem)
        result.cells[question.id] = CellResult(question.id, 0.0, question.points, [check])
    return result


def _grade_task(task: tuple[Path, str, str]) -> SubmissionResult:
    root, student, assignment = task
    course = Course(root)
    return grade_quiz_file(course, student, assignment, course.submission(student, assignment))


def grade_quiz_class(course: Course, assignment: str, students: list[str], processes: int = 2,
                     store: bool = True) -> list[SubmissionResult]:
    """Grade `submitted/<student>/<assignment>` for every student; store in the gradebook if asked."""
    current_quiz(course, assignment)  # fail fast on an invalid bank, before forking
    tasks = [(course.root, student, assignment) for student in students]
    if processes > 1 and len(tasks) > 1:
        with multiprocessing.get_context("forkserver").Pool(processes) as pool:
            results = pool.map(_grade_task, tasks, chunksize=max(1, len(tasks) // (8 * processes)))
    else:
        results = [_grade_task(task) for task in tasks]
    if store:
        from grucourse.quiz.gradebook_bulk import store_quiz_results

        store_quiz_results(course, assignment, results)
    return results
