"""Grades one submission: `grade_submission(course, student, assignment, notebook_path)`.

A pure function of the files (source notebook, hidden tests, submission) that never raises
for bad student input: an unreadable or tampered notebook yields a SubmissionResult with a
problem naming the student and the file. Instructor errors (missing or broken hidden tests)
raise GradingSetupError. Code runs in the sandbox; scores are computed here, in the trusted
process, from the outcomes of the hidden tests.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from nbformat import NotebookNode
from nbgrader import utils as nbutils

from grucourse.course import Course, is_quiz, load_config_file
from grucourse.judge.hidden import GradingSetupError, run_hidden_tests
from grucourse.judge.notebook import (NotebookLimits, NotebookUnreadable, assemble, is_autograded_test,
                                      nbgrader_meta, read_file, read_notebook)
from grucourse.judge.pytest_plugin import JudgePlugin, Outcome
from grucourse.judge.runner import NotebookRunner
from grucourse.judge.sandbox import Sandbox
from grucourse.judge.student import Student
from grucourse.results import CellResult, SubmissionResult

JUDGE_VERSION = "3"  # 2: results carry the figures cells drew; 3: checks carry their case apart from the name

__all__ = ["GradingSetupError", "fingerprint", "grade_submission"]


def _graded_inputs(course: Course, assignment: str) -> list[Path]:
    """The instructor files a result depends on, in a stable order."""
    if is_quiz(assignment):
        roots = [course.question_bank, course.quizzes]
    else:
        roots = [course.grading_tests / assignment]
    files = [course.source_notebook(assignment)]
    for root in roots:
        if root.is_dir():
            files += sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return files


def fingerprint(course: Course, assignment: str, notebook_path: Path) -> str:
    """Hash of the submission bytes, the source notebook, the hidden tests (or question bank)
    and the judge version: a cached result with the same fingerprint is still valid."""
    digest = hashlib.sha256(f"judge {JUDGE_VERSION}\n{assignment}\n".encode())
    submission = Path(notebook_path)
    for path in [submission, *_graded_inputs(course, assignment)]:
        digest.update(f"\n{path.name}\n".encode())
        try:
            digest.update(hashlib.sha256(read_file(path, course.submitted if path == submission else None)).digest())
        except NotebookUnreadable as exc:
            digest.update(f"<{exc}>".encode())
    return digest.hexdigest()


def grade_submission(course: Course, student: str, assignment: str, notebook_path: Path,
                     sandbox: Sandbox | None = None, notebook_limits: NotebookLimits | None = None) -> SubmissionResult:
    """Everything the judge decides about one submitted notebook. The sandbox and notebook limits
    are those of the course's nbgrader_config.py unless `sandbox` / `notebook_limits` are given."""
    notebook_path = Path(notebook_path)
    result = SubmissionResult(student=student, assignment=assignment,
                              fingerprint=fingerprint(course, assignment, notebook_path))
    where = f"{student}/{assignment}/{notebook_path.name}"
    if sandbox is None or notebook_limits is None:  # nbgrader_config.py is executed once per submission
        config = load_config_file(course.root / "nbgrader_config.py")
        sandbox, notebook_limits = sandbox or Sandbox(config=config), notebook_limits or NotebookLimits(config=config)
    try:
        submission = read_notebook(notebook_path, below=course.submitted, limits=notebook_limits)
    except NotebookUnreadable as exc:
        submission = None
        result.problems.append(f"{where} {exc}; it was not graded")
    source = _source_notebook(course, assignment)
    scored = nbutils.is_grade if is_quiz(assignment) else is_autograded_test
    result.cells = {nbgrader_meta(c)["grade_id"]: CellResult(nbgrader_meta(c)["grade_id"], 0.0,
                                                             float(nbgrader_meta(c).get("points", 0)))
                    for c in source.cells if scored(c)}
    if notebook_path.name != f"{assignment}.ipynb":
        result.problems.append(f"{where}: the notebook should be named {assignment}.ipynb")
    if submission is None:
        return result
    if is_quiz(assignment):
        return _grade_quiz(course, student, assignment, submission, result)
    release = _optional_notebook(course.release_notebook(assignment))
    assembly = assemble(source, submission, release)
    result.problems += [f"{where}: {problem}" for problem in assembly.problems]
    runner = NotebookRunner(assembly.cells, sandbox, result.log)
    try:
        result.cell_outputs = {str(i): run.outputs() for i, run in runner.run_cells().items()}
        seed = int.from_bytes(os.urandom(8), "big")
        result.log.append(f"rng seed {seed}")
        plugin = JudgePlugin(lambda: Student(runner), seed, result.log)
        run_hidden_tests(course.grading_tests / assignment, plugin)
    finally:
        runner.close()
    _score(result, list(plugin.outcomes.values()), assignment)
    return result


def _score(result: SubmissionResult, outcomes: list[Outcome], assignment: str) -> None:
    """score = points * passed weight / total weight, per graded cell."""
    stray = sorted({str(o.grade_id) for o in outcomes if o.grade_id not in result.cells})
    if stray:
        raise GradingSetupError(f"grading_tests/{assignment}: tests marked with unknown or missing grade_id {stray}")
    for grade_id, cell in result.cells.items():
        counted = [o.check for o in outcomes if o.grade_id == grade_id and not o.skipped]
        if not [o for o in outcomes if o.grade_id == grade_id]:
            raise GradingSetupError(f"grading_tests/{assignment}: no hidden tests for graded cell {grade_id!r}")
        total = sum(check.weight for check in counted)
        passed = sum(check.weight for check in counted if check.passed)
        cell.checks = counted
        cell.score = round(cell.max_score * passed / total, 6) if total else 0.0


def _source_notebook(course: Course, assignment: str) -> NotebookNode:
    try:
        return read_notebook(course.source_notebook(assignment))
    except NotebookUnreadable as exc:
        raise GradingSetupError(f"source notebook {course.source_notebook(assignment)} {exc}") from None


def _optional_notebook(path: Path) -> NotebookNode | None:
    try:
        return read_notebook(path)
    except NotebookUnreadable:
        return None


def _grade_quiz(course: Course, student: str, assignment: str, submission: NotebookNode,
                result: SubmissionResult) -> SubmissionResult:
    """Quizzes are graded from literal answers by the quiz engine; nothing is executed."""
    from grucourse.quiz.grade import grade_quiz_notebook

    quiz_result = grade_quiz_notebook(course, student, assignment, submission)
    quiz_result.problems[:0] = result.problems
    quiz_result.fingerprint = result.fingerprint
    return quiz_result
