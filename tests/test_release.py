"""release/ is what students get: it must be exactly what `grucourse build` generates from source/
with nbgrader, and it must not contain solutions, hidden-test material or answer markers."""
from __future__ import annotations

import ast
import shutil
from pathlib import Path

import nbformat
import pytest

from grucourse.cli import main
from grucourse.course import Course

REPO = Path(__file__).resolve().parents[1]
REPO_COURSE = Course.at(REPO)
CODE = REPO_COURSE.code_assignments()
# What `grucourse build` reads: sources, the question bank and quiz definitions, the nbgrader config.
BUILD_INPUTS = ("source", "question_bank", "quizzes", "nbgrader_config.py")
RELEASED = sorted(REPO.glob("release/*/*.ipynb"))


def copy_inputs(dest: Path) -> Course:
    for name in BUILD_INPUTS:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif (REPO / name).is_file():
            shutil.copy2(REPO / name, dest / name)
    return Course.at(dest)


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Course:
    """A fresh copy of the build inputs, built once with the real CLI and nbgrader."""
    course = copy_inputs(tmp_path_factory.mktemp("course"))
    assert main(["--course", str(course.root), "build"]) == 0
    return course


@pytest.mark.slow
def test_committed_release_is_what_build_generates(rebuilt: Course) -> None:
    generated = sorted(p.relative_to(rebuilt.root) for p in rebuilt.release.glob("*/*.ipynb"))
    assert generated == [p.relative_to(REPO) for p in RELEASED], "release/ and source/ list different assignments"
    stale = [str(p) for p in generated if (rebuilt.root / p).read_bytes() != (REPO / p).read_bytes()]
    assert not stale, f"release/ is out of date, run `grucourse build`: {stale}"


@pytest.mark.slow
def test_rebuilding_rewrites_nothing(rebuilt: Course, capsys: pytest.CaptureFixture[str]) -> None:
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in rebuilt.release.glob("*/*.ipynb")}
    assert main(["--course", str(rebuilt.root), "build", "gru_gates", "--no-gradebook"]) == 0
    assert "released release/gru_gates/gru_gates.ipynb" in capsys.readouterr().out
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in rebuilt.release.glob("*/*.ipynb")} == before


@pytest.mark.slow
def test_build_records_the_assignments_in_the_gradebook(rebuilt: Course) -> None:
    """Grading writes scores per grade cell, so the cells of every released notebook must be known."""
    from nbgrader.api import Gradebook

    with Gradebook(rebuilt.db_url) as gradebook:
        for assignment in CODE:
            cells = gradebook.find_notebook(assignment, assignment).grade_cells
            assert sorted(c.name for c in cells) == sorted(graded_cells(REPO_COURSE.source_notebook(assignment)))


def test_every_assignment_the_course_has_is_released_with_its_kind() -> None:
    """Discovered from the course files: the SPEC's five, code and quizzes told apart by the quiz
    definitions in quizzes/, not by their names."""
    assert REPO_COURSE.assignments() == sorted(p.parent.name for p in RELEASED)
    assert {"gru_gates", "gru_bptt", "gru_variants"} <= set(CODE)
    assert {"quiz_introduction", "quiz_lstm_vs_gru"} <= set(REPO_COURSE.quiz_assignments())
    assert not set(CODE) & set(REPO_COURSE.quiz_assignments())


def test_a_quiz_is_known_by_its_definition_not_its_name(tmp_path: Path) -> None:
    course = Course.at(tmp_path)
    for name in ("quiz_like_name", "checkpoint"):
        (course.source / name).mkdir(parents=True)
        (course.source / name / f"{name}.ipynb").write_text("{}")
    course.quizzes.mkdir()
    (course.quizzes / "checkpoint.yaml").write_text("title: x\n")
    assert course.assignments() == ["checkpoint", "quiz_like_name"]
    assert course.quiz_assignments() == ["checkpoint"] and course.code_assignments() == ["quiz_like_name"]


@pytest.mark.slow
def test_broken_source_gives_an_error_naming_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    course = copy_inputs(tmp_path)
    path = course.source_notebook("gru_gates")
    nb = nbformat.read(path, as_version=4)
    nb.cells[-1].metadata.nbgrader.grade_id = nb.cells[-3].metadata.nbgrader.grade_id  # duplicated grade_id
    nbformat.write(nb, path)
    assert main(["--course", str(course.root), "build", "gru_gates", "--no-gradebook"]) == 1
    out = capsys.readouterr().err
    assert str(path) in out and "generate_assignment failed" in out


def test_invalid_question_bank_stops_the_build_naming_the_file(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    course = copy_inputs(tmp_path)
    (course.question_bank / "broken.yaml").write_text("- id: not valid\n  type: essay\n")
    assert main(["--course", str(course.root), "build", "--no-gradebook"]) == 1
    assert "broken.yaml:1" in capsys.readouterr().err
    assert not course.release.exists()


@pytest.mark.parametrize("path", RELEASED, ids=[p.parent.name for p in RELEASED])
def test_release_has_no_markers(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN", "BEGIN MARK SCHEME"):
        assert marker not in text, f"{path.name} contains {marker!r}"


@pytest.mark.parametrize("assignment", CODE)
def test_release_has_no_solution_code(assignment: str) -> None:
    """No line between the solution markers that is not also in a visible cell reaches students."""
    source = nbformat.read(REPO_COURSE.source_notebook(assignment), as_version=4)
    solution, visible = set(), set()
    for cell in source.cells:
        inside = False
        for line in (line.strip() for line in cell.source.splitlines()):
            inside = (inside or line == "### BEGIN SOLUTION") and line != "### END SOLUTION"
            if len(line) > 8 and "SOLUTION" not in line:
                (solution if inside else visible).add(line)
    secret = solution - visible
    assert len(secret) >= 5, "the source notebook should contain solutions"
    released = nbformat.read(REPO_COURSE.release_notebook(assignment), as_version=4)
    released = {line.strip() for cell in released.cells for line in cell.source.splitlines()}
    assert not secret & released


@pytest.mark.parametrize("assignment", CODE)
def test_release_has_nothing_from_the_hidden_tests(assignment: str) -> None:
    """Hint texts, check titles and test names of grading_tests/ never appear in release/."""
    distinctive = set()
    for test_file in (REPO / "grading_tests" / assignment).glob("test_*.py"):
        for node in ast.walk(ast.parse(test_file.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) >= 24 \
                    and " " in node.value:  # sentences, not grade_ids
                distinctive.add(node.value.strip().splitlines()[0])
            elif isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                distinctive.add(node.name)
    assert len(distinctive) >= 10
    text = "".join(p.read_text(encoding="utf-8") for p in RELEASED)
    assert not [s for s in distinctive if s in text]


@pytest.mark.parametrize("assignment", CODE)
def test_release_keeps_graded_cells_and_stubs(assignment: str) -> None:
    """Students get every graded cell with its points, and a stub in every solution cell."""
    released = nbformat.read(REPO_COURSE.release_notebook(assignment), as_version=4)
    assert graded_cells(REPO_COURSE.release_notebook(assignment)) == graded_cells(REPO_COURSE.source_notebook(assignment))
    stubs = [c.source for c in released.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert stubs and all("raise NotImplementedError()" in s for s in stubs)
    assert all(c.metadata["nbgrader"].get("checksum") for c in released.cells
               if c.metadata.get("nbgrader", {}).get("grade") or c.metadata.get("nbgrader", {}).get("locked"))


def graded_cells(path: Path) -> dict[str, float]:
    """grade_id -> points of the autograded cells of a notebook."""
    nb = nbformat.read(path, as_version=4)
    return {c.metadata.nbgrader.grade_id: c.metadata.nbgrader.points for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade")}
