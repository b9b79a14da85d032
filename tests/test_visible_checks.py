"""The visible checks warn before hidden points are lost.

The test cells a student sees (and `nbgrader validate` runs) are their only feedback before the
deadline. Every simulated profile (grucourse.simulate) and every independent submission of
tests/independent (correct styles, float32 styles, one-bug mutants) is run twice: its notebook top
to bottom in a fresh Jupyter kernel (nbclient), as the student runs it, and through the judge, which
gives the hidden points (drawn from a fixed seed, so the table below is reproducible). Correct code
passes every visible check; every submission that loses hidden points fails at least one, with a
message that starts with the function it is about, unless ALLOWED says why no visible check can.

The measured table is docs/visible_checks.md; `VISIBLE_CHECKS_TABLE=write` rewrites it.
"""
from __future__ import annotations

import ast
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from test_independent_submissions import (
    HERE,
    LEAK,
    base_of,
    functions_by_cell,
    judge_seed,
    replace_definitions,
)

from grucourse.course import Course
from grucourse.judge.grade import grade_submission
from grucourse.pipeline.course_copy import copy_course
from grucourse.simulate import answers_for, fill_solutions, profiles, solution_cells

pytestmark = [pytest.mark.slow, pytest.mark.timeout(3600)]

ASSIGNMENTS = ("gru_gates", "gru_bptt", "gru_variants")
DOC = Path(__file__).resolve().parents[1] / "docs" / "visible_checks.md"
BEGIN, END = "<!-- begin table (tests/test_visible_checks.py) -->", "<!-- end table -->"
SEED = 2026  # the judge's hidden inputs for the table
CORRECT_KINDS = ("style", "float32")
# (assignment, kind, name) -> why no visible check can warn although hidden points are lost
ALLOWED: dict[tuple[str, str, str], str] = {}
# A failed assertion names its function first: "gru_forward: ...", "g or log_g: ...", "g, log_g: ...".
NAMED = re.compile(r"AssertionError: (\w+)(?:(?: or |, )(\w+))?: \S")
# The cases the visible checks used to let through, also run through `nbgrader validate`.
VALIDATED = [("gru_gates", "profile", "correct"), ("gru_gates", "mutant", "cell_passes_one_minus_Z"),
             ("gru_gates", "mutant", "forward_loop_cho"), ("gru_bptt", "mutant", "bias_grads_flat")]


@dataclass(frozen=True)
class Submission:
    assignment: str
    kind: str  # "profile", "style", "float32" or "mutant"
    name: str
    answers: dict[str, str]

    @property
    def key(self) -> tuple[str, str, str]:
        return self.assignment, self.kind, self.name

    @property
    def student(self) -> str:
        return f"{self.kind}-{self.name}".replace("_", "-")


@dataclass(frozen=True)
class Measured:
    lost: dict[str, float]  # graded cell -> hidden points lost (empty for correct styles: not graded here)
    failed: dict[str, str]  # visible test cell -> "Error: message", in notebook order


def submissions(course: Course, assignment: str) -> list[Submission]:
    """Every simulated profile, independent style, float32 style and mutant of an assignment."""
    cells = list(solution_cells(course, assignment))
    found = [Submission(assignment, "profile", p, answers_for(course, assignment, p)) for p in profiles(course, assignment)]
    styles = {p.stem: functions_by_cell(p.read_text(), cells) for p in sorted((HERE / assignment).glob("*.py"))}
    found += [Submission(assignment, "style", name, answers) for name, answers in styles.items()]
    found += [Submission(assignment, "float32", p.stem, functions_by_cell(p.read_text(), cells))
              for p in sorted((HERE / "float32" / assignment).glob("*.py"))]
    found += [Submission(assignment, "mutant", p.stem, replace_definitions(styles[base_of(p)], p.read_text()))
              for p in sorted((HERE / "mutants" / assignment).glob("*.py"))]
    return found


def visible_test_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")
            and not c.metadata["nbgrader"].get("solution")]


def run_in_kernel(nb: nbformat.NotebookNode, cwd: Path) -> dict[str, str]:
    """Run the notebook top to bottom in a fresh python3 kernel, every cell even after an error
    (as `nbgrader validate` does); the error of each visible test cell that raised."""
    NotebookClient(nb, timeout=600, startup_timeout=300, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(cwd)}}).execute()
    failed = {}
    for cell in visible_test_cells(nb):
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if errors:
            failed[cell.metadata["nbgrader"]["grade_id"]] = f"{errors[0].ename}: {errors[0].evalue}"
    return failed


def write_notebook(course: Course, root: Path, submission: Submission) -> Path:
    nb = fill_solutions(nbformat.read(course.release_notebook(submission.assignment), as_version=4),
                        submission.answers)
    path = root / "submitted" / submission.student / submission.assignment / f"{submission.assignment}.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(nb, path)
    return path


class Measurements(dict):
    """(assignment, kind, name) -> Measured; an assignment is measured when a test first needs it."""

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root
        self.course = copy_course(root / "course")
        self.submissions: dict[tuple[str, str, str], Submission] = {}

    def of(self, assignment: str) -> dict[tuple[str, str, str], Measured]:
        if not any(key[0] == assignment for key in self):
            for submission in submissions(self.course, assignment):
                self.submissions[submission.key] = submission
                self[submission.key] = self.measure(submission)
        return {key: value for key, value in self.items() if key[0] == assignment}

    def measure(self, submission: Submission) -> Measured:
        path = write_notebook(self.course, self.root, submission)
        failed = run_in_kernel(nbformat.read(path, as_version=4), path.parent)
        if submission.kind in CORRECT_KINDS:  # their hidden marks: tests/test_independent_submissions.py
            return Measured({}, failed)
        with judge_seed(SEED):
            result = grade_submission(self.course, submission.student, submission.assignment, path)
        assert not result.problems, result.problems
        lost = {gid: cell.max_score - cell.score for gid, cell in result.cells.items()
                if cell.score < cell.max_score - 1e-9}
        return Measured(lost, failed)


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> Measurements:
    return Measurements(tmp_path_factory.mktemp("visible"))


def cases(*kinds: str) -> list[tuple[str, str, str]]:
    course = Course.at(DOC.parents[1])
    return [s.key for a in ASSIGNMENTS for s in submissions(course, a) if s.kind in kinds]


def ids(keys: list[tuple[str, str, str]]) -> list[str]:
    return ["-".join(key) for key in keys]


CORRECT = cases(*CORRECT_KINDS) + [(a, "profile", "correct") for a in ASSIGNMENTS]
BUGGY = [key for key in cases("profile", "mutant") if key[2] != "correct"]


@pytest.mark.parametrize("key", CORRECT, ids=ids(CORRECT))
def test_correct_code_passes_every_visible_check(measured: Measurements, key: tuple[str, str, str]) -> None:
    result = measured.of(key[0])[key]
    assert not result.failed, result.failed
    assert not result.lost, result.lost


@pytest.mark.parametrize("key", BUGGY, ids=ids(BUGGY))
def test_a_bug_that_costs_hidden_points_fails_a_visible_check(measured: Measurements,
                                                              key: tuple[str, str, str]) -> None:
    result = measured.of(key[0])[key]
    assert result.lost, "every simulated bug and mutant loses hidden points"
    if key in ALLOWED:
        assert not result.failed, f"a visible check now warns: drop {key} from ALLOWED"
        return
    assert result.failed, f"{key} loses {result.lost} hidden points and passes every visible check"
    functions = defined_functions(measured.course, key[0])
    for cell, error in result.failed.items():
        assert not LEAK.search(error), (cell, error)
        if error.startswith("AssertionError"):
            match = NAMED.match(error)
            assert match and set(filter(None, match.groups())) <= functions, \
                f"{cell}: the message must start with the function it checks: {error!r}"


def defined_functions(course: Course, assignment: str) -> set[str]:
    """The functions the student writes in the assignment's solution cells."""
    return {node.name for code in solution_cells(course, assignment).values()
            for node in ast.parse(code).body if isinstance(node, ast.FunctionDef)}


def test_allowed_misses_are_listed_cases() -> None:
    assert set(ALLOWED) <= set(BUGGY)


@pytest.mark.parametrize("key", VALIDATED, ids=ids(VALIDATED))
def test_nbgrader_validate_says_the_same(measured: Measurements, key: tuple[str, str, str], tmp_path: Path) -> None:
    """`nbgrader validate`, run where a student runs it (no course config), reports the same cells."""
    result = measured.of(key[0])[key]
    path = write_notebook(measured.course, tmp_path, measured.submissions[key])
    done = subprocess.run(["nbgrader", "validate", str(path)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=900)
    output = done.stdout + done.stderr
    if not result.failed:
        assert "Success! Your notebook passes all the tests." in output, output
        return
    assert "Success!" not in output
    for error in result.failed.values():  # validate cuts long lines at about 80 columns
        assert error[:60] in output, (error, output)


def table(measured: Measurements) -> str:
    """The markdown table of docs/visible_checks.md: every profile and mutant of every assignment."""
    points = {a: sum(graded_points(measured.course, a).values()) for a in ASSIGNMENTS}
    rows = ["| assignment | submission | hidden points lost | first visible check that fails |",
            "| --- | --- | --- | --- |"]
    for assignment in ASSIGNMENTS:
        for key, result in measured.of(assignment).items():
            if key[1] in CORRECT_KINDS:
                continue
            lost = round(sum(result.lost.values()), 2)
            cells = ", ".join(f"{cell.removesuffix('_tests')} {round(cost, 2):g}" for cell, cost in result.lost.items())
            warning = next(iter(result.failed.items()), None)
            said = f"`{warning[0]}`: {warning[1]}" if warning else f"none: {ALLOWED.get(key, 'no warning needed')}"
            rows.append(f"| {assignment} | {key[1]} `{key[2]}` | {lost:g} of {points[assignment]:g}"
                        f"{': ' + cells if cells else ''} | {said.replace('|', chr(92) + '|')} |")
    return "\n".join(rows)


def graded_points(course: Course, assignment: str) -> dict[str, float]:
    nb = nbformat.read(course.source_notebook(assignment), as_version=4)
    return {c.metadata.nbgrader.grade_id: c.metadata.nbgrader.points for c in visible_test_cells(nb)}


def test_docs_table_is_the_measured_one(measured: Measurements) -> None:
    before, rest = DOC.read_text().split(BEGIN + "\n")
    now = table(measured)
    if os.environ.get("VISIBLE_CHECKS_TABLE") == "write":
        DOC.write_text(f"{before}{BEGIN}\n{now}\n{END}{rest.split(END, 1)[1]}")
        rest = DOC.read_text().split(BEGIN + "\n")[1]
    assert rest.split("\n" + END)[0] == now, "re-measure: VISIBLE_CHECKS_TABLE=write pytest tests/test_visible_checks.py"
