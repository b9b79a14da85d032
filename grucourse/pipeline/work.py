"""The task a Dask worker runs: judge one submission and hand back plain JSON text.

Only strings cross the wire, so a worker never ships objects the single gradebook writer
would have to trust. A problem with a submission becomes a zero with a named problem instead
of stopping the batch; a problem with the instructor's files (GradingSetupError) is raised,
because every submission would be wrongly graded by it. So is a worker whose copy of the
course differs from the grading machine's (`StaleCourseCopy`): each task carries the SHA-256
of every file its result depends on, as the grading machine sees them (`course_view`), and
the worker compares them with its own before it grades.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from grucourse.course import Course
from grucourse.grading.submission import grade_submission
from grucourse.judge.grade import JUDGE_VERSION, GradingSetupError
from grucourse.judge.manifest import MANIFEST_NAME
from grucourse.judge.notebook import NotebookUnreadable, read_file
from grucourse.judge.sandbox import this_worker
from grucourse.pipeline.autograded import render_autograded
from grucourse.results import SubmissionResult

JUDGE = "judge version"


class StaleCourseCopy(GradingSetupError):
    """A worker sees other files than the grading machine: every result it wrote would be wrong."""


def failed(student: str, assignment: str, *problems: str) -> SubmissionResult:
    """A zero for a submission the judge could not grade; no fingerprint, so it is retried next run."""
    return SubmissionResult(student=student, assignment=assignment, problems=list(problems))


def _sha256(path: Path, below: Path | None) -> str:
    try:
        return hashlib.sha256(read_file(path, below)).hexdigest()
    except NotebookUnreadable as exc:
        return f"<{exc}>"


def course_view(course: Course, assignment: str, notebook: Path) -> dict[str, str]:
    """The judge version and the SHA-256 of the submission, the source notebook, the hidden tests'
    record (grading_tests/MANIFEST.sha256) and each hidden test file, by path in the course."""
    view = {JUDGE: JUDGE_VERSION}
    manifest = course.grading_tests / MANIFEST_NAME
    for path in [Path(notebook), *course.graded_inputs(assignment), *([manifest] if manifest.is_file() else [])]:
        view[_relative(course, path)] = _sha256(path, course.submitted if path == Path(notebook) else None)
    return view


def _relative(course: Course, path: Path) -> str:
    return path.relative_to(course.root).as_posix() if path.is_relative_to(course.root) else str(path)


def check_view(expected: dict[str, str], course: Course, assignment: str, notebook: Path) -> None:
    """Raises StaleCourseCopy, naming this worker and the files that differ, unless this
    worker's files are those the grading machine saw."""
    own = course_view(course, assignment, notebook)
    differing = [name for name in sorted(set(expected) | set(own)) if expected.get(name) != own.get(name)]
    if not differing:
        return
    described = [f"{name} ({'missing here' if name not in own else 'not on the grading machine' if name not in expected else 'different content'})"
                 for name in differing[:5]]
    raise StaleCourseCopy(
        f"{this_worker()} sees a different copy of the course at {course.root} than the grading machine: "
        f"{'; '.join(described)}{' ...' if len(differing) > 5 else ''}. Sync the course directory on that "
        "worker (or stop it) and grade again; nothing it judged was kept")


def judge_submission(course_root: str, student: str, assignment: str, notebook: str,
                     expected: dict[str, str] | None = None) -> tuple[str, str | None]:
    """Grade one notebook: the result as JSON, and the graded notebook's text for `autograded/`
    (rendered here, so the single writer only writes files). With `expected` (the grading
    machine's `course_view`), a worker whose files differ refuses to grade."""
    course = Course.at(course_root)
    if expected is not None:
        check_view(expected, course, assignment, Path(notebook))
    try:
        result = grade_submission(course, student, assignment, Path(notebook))
    except GradingSetupError:
        raise
    except Exception as exc:  # the batch goes on; the instructor sees what broke and where
        result = failed(student, assignment, f"{student}: {notebook}: grading failed: {type(exc).__name__}: {exc}")
    return result.to_json(), render_autograded(course, Path(notebook), result)
