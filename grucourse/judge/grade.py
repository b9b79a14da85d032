"""Grades one code submission: `grade_submission(course, student, assignment, notebook_path)`.

A pure function of the files (source notebook, hidden tests, submission) that never raises
for bad student input: an unreadable or tampered notebook yields a SubmissionResult with a
problem naming the student and the file. Instructor errors (missing or broken hidden tests)
raise GradingSetupError. Code runs in the sandbox; scores are computed here, in the trusted
process, from the outcomes of the hidden tests. Quizzes are not the judge's:
`grucourse.grading.grade_submission` routes each submission by its kind; `read_submission`
is the step both kinds share.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from nbformat import NotebookNode

from grucourse.course import Course, load_config_file
from grucourse.judge.hidden import GradingSetupError, run_hidden_tests
from grucourse.judge.notebook import (
    NotebookLimits,
    NotebookUnreadable,
    assemble,
    is_autograded_test,
    nbgrader_meta,
    read_course_notebook,
    read_file,
    read_notebook,
)
from grucourse.judge.pytest_plugin import JudgePlugin, Outcome
from grucourse.judge.runner import NotebookRunner
from grucourse.judge.sandbox import Sandbox
from grucourse.judge.student import Student
from grucourse.results import CellResult, SubmissionResult

JUDGE_VERSION = "3"  # 2: results carry the figures cells drew; 3: checks carry their case apart from the name

__all__ = ["GradingSetupError", "fingerprint", "grade_submission", "read_submission"]


def fingerprint(course: Course, assignment: str, notebook_path: Path) -> str:
    """Hash of the submission bytes, the source notebook, the hidden tests (or question bank)
    and the judge version: a cached result with the same fingerprint is still valid."""
    digest = hashlib.sha256(f"judge {JUDGE_VERSION}\n{assignment}\n".encode())
    submission = Path(notebook_path)
    for path in [submission, *course.graded_inputs(assignment)]:
        digest.update(f"\n{path.name}\n".encode())
        try:
            digest.update(hashlib.sha256(read_file(path, course.submitted if path == submission else None)).digest())
        except NotebookUnreadable as exc:
            digest.update(f"<{exc}>".encode())
    return digest.hexdigest()


def read_submission(course: Course, student: str, assignment: str, notebook_path: Path,
                    limits: NotebookLimits, scored: Callable[[NotebookNode], bool],
                    ) -> tuple[SubmissionResult, NotebookNode | None, NotebookNode]:
    """A result with every cell `scored` in the source notebook at 0 points, the submitted
    notebook (None when it cannot be read: the result says why) and the source notebook."""
    notebook_path = Path(notebook_path)
    result = SubmissionResult(student=student, assignment=assignment,
                              fingerprint=fingerprint(course, assignment, notebook_path))
    where = f"{student}/{assignment}/{notebook_path.name}"
    try:
        submission = read_notebook(notebook_path, below=course.submitted, limits=limits)
    except NotebookUnreadable as exc:
        submission = None
        result.problems.append(f"{where} {exc}; it was not graded")
    source = _source_notebook(course, assignment)
    result.cells = {nbgrader_meta(c)["grade_id"]: CellResult(nbgrader_meta(c)["grade_id"], 0.0,
                                                             float(nbgrader_meta(c).get("points", 0)))
                    for c in source.cells if scored(c)}
    if notebook_path.name != f"{assignment}.ipynb":
        result.problems.append(f"{where}: the notebook should be named {assignment}.ipynb")
    return result, submission, source


def grade_submission(course: Course, student: str, assignment: str, notebook_path: Path,
                     sandbox: Sandbox | None = None, notebook_limits: NotebookLimits | None = None) -> SubmissionResult:
    """Everything the judge decides about one submitted notebook of a code assignment. The
    sandbox and notebook limits are those of the course's nbgrader_config.py unless `sandbox` /
    `notebook_limits` are given."""
    if course.is_quiz(assignment):
        raise GradingSetupError(f"{assignment} is a quiz: grucourse.grading.grade_submission grades it")
    if sandbox is None or notebook_limits is None:  # nbgrader_config.py is executed once per submission
        config = load_config_file(course.root / "nbgrader_config.py")
        sandbox, notebook_limits = sandbox or Sandbox(config=config), notebook_limits or NotebookLimits(config=config)
    result, submission, source = read_submission(course, student, assignment, notebook_path, notebook_limits,
                                         is_autograded_test)
    if submission is None:
        return result
    release = _optional_notebook(course.release_notebook(assignment))
    assembly = assemble(source, submission, release)
    where = f"{student}/{assignment}/{Path(notebook_path).name}"
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
        return read_course_notebook(course.source_notebook(assignment))
    except NotebookUnreadable as exc:
        raise GradingSetupError(f"source notebook {course.source_notebook(assignment)} {exc}") from None


def _optional_notebook(path: Path) -> NotebookNode | None:
    try:
        return read_course_notebook(path)
    except NotebookUnreadable:
        return None

