"""A two-function course built in a temporary directory, independent of the real assignments.

Assignment `toy`: `square(x)` (cell `square_tests`, 3 points) and `scale(x, k)` (cell
`scale_tests`, 2 points), with hidden tests that use the judge's public API only.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grucourse.course import Course

ASSIGNMENT = "toy"

SOLUTIONS = {
    "square_solution": "import numpy as np\n\ndef square(x):\n    return x ** 2",
    "scale_solution": "def scale(x, k):\n    return k * x",
}

HIDDEN_TESTS = '''
import numpy as np
import pytest

from grucourse.judge.checks import assert_matches


@pytest.mark.grade_id("square_tests")
@pytest.mark.weight(2)
def test_square_values(student, rng):
    """square matches x**2 on random input"""
    x = rng.standard_normal((3, 5))
    assert_matches(student.square(x), x ** 2, name="square", hints={"looks like 2*x instead of x**2": 2 * x})


@pytest.mark.grade_id("square_tests")
def test_square_leaves_input_alone(student, rng):
    x = rng.standard_normal((2, 2))
    result = student.call("square", x)
    assert_matches(result.value, x ** 2, name="square")
    assert np.array_equal(result.args_after[0][0], x), "square modified its input"


@pytest.mark.grade_id("scale_tests")
def test_scale_values(student, rng):
    x, k = rng.standard_normal(4), float(rng.uniform(1, 2))
    assert_matches(student.scale(x, k), k * x, name="scale")
'''


def _meta(grade_id: str, *, grade: bool, solution: bool, points: float = 0) -> dict:
    meta = {"grade_id": grade_id, "grade": grade, "solution": solution, "locked": not solution,
            "schema_version": 3}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def source_notebook(solutions: dict[str, str] = SOLUTIONS) -> nbformat.NotebookNode:
    """The instructor notebook; `solutions` fill the solution cells (so it doubles as a submission)."""
    return new_notebook(
        cells=[
            new_markdown_cell("# Toy assignment"),
            new_code_cell(solutions["square_solution"],
                          metadata=_meta("square_solution", grade=False, solution=True)),
            new_code_cell("assert square(2) == 4", metadata=_meta("square_tests", grade=True, solution=False, points=3)),
            new_code_cell(solutions["scale_solution"], metadata=_meta("scale_solution", grade=False, solution=True)),
            new_code_cell("assert scale(1, 2) == 2", metadata=_meta("scale_tests", grade=True, solution=False, points=2)),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )


def make_course(root: Path) -> Course:
    """Writes the source notebook and hidden tests under `root`."""
    course = Course.at(root)
    course.source_notebook(ASSIGNMENT).parent.mkdir(parents=True)
    nbformat.write(source_notebook(), course.source_notebook(ASSIGNMENT))
    tests = course.grading_tests / ASSIGNMENT
    tests.mkdir(parents=True)
    (tests / "test_toy.py").write_text(textwrap.dedent(HIDDEN_TESTS))
    return course


def submit(course: Course, student: str, solutions: dict[str, str] | None = None,
           extra_cells: list[str] = ()) -> Path:  # type: ignore[assignment]
    """A submission in nbgrader's layout: the release notebook (if generated, with its checksums)
    or the source, solution cells filled from `solutions`, `extra_cells` appended."""
    solutions = {**SOLUTIONS, **(solutions or {})}
    release = course.release_notebook(ASSIGNMENT)
    notebook = nbformat.read(release, as_version=4) if release.exists() else source_notebook()
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in solutions:
            cell.source = solutions[grade_id]
    notebook.cells += [new_code_cell(code) for code in extra_cells]
    path = course.submission(student, ASSIGNMENT)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path


BLANK = {
    "square_solution": "def square(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()",
    "scale_solution": "def scale(x, k):\n    # YOUR CODE HERE\n    raise NotImplementedError()",
}
