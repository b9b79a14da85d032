"""grade_submission on a tiny course: scores, feedback, bad files and instructor errors."""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from judge_fixtures import toy_course as toy

from grucourse.judge.grade import GradingSetupError, fingerprint, grade_submission


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory):
    return toy.make_course(tmp_path_factory.mktemp("course"))


def grade(course, student: str, solutions: dict[str, str] | None = None, extra_cells=()):
    path = toy.submit(course, student, solutions, extra_cells)
    return grade_submission(course, student, toy.ASSIGNMENT, path)


def scores(result) -> dict[str, float]:
    return {gid: cell.score for gid, cell in result.cells.items()}


def test_correct_submission_gets_full_marks(course) -> None:
    result = grade(course, "good", extra_cells=["print('hello')\nimport warnings; warnings.warn('noise')\n21 * 2"])
    assert scores(result) == {"square_tests": 3.0, "scale_tests": 2.0}
    assert result.max_score == 5.0 and not result.problems
    assert any(line.startswith("rng seed ") for line in result.log)
    outputs = result.cell_outputs["5"]
    assert {"output_type": "stream", "name": "stdout", "text": "hello\n"} in outputs
    assert any(o["output_type"] == "stream" and "noise" in o["text"] for o in outputs)
    assert any(o["output_type"] == "execute_result" and o["data"]["text/plain"] == "42" for o in outputs)


def test_wrong_function_loses_its_share_with_a_hint_and_no_hidden_values(course) -> None:
    result = grade(course, "wrong", {"square_solution": "def square(x):\n    return 2 * x"})
    assert scores(result) == {"square_tests": 0.0, "scale_tests": 2.0}
    messages = [c.message for c in result.cells["square_tests"].checks]
    assert messages[0] == "square returned wrong values: looks like 2*x instead of x**2"


def test_partial_credit_follows_the_weights_of_passed_checks(course) -> None:
    result = grade(course, "mutator", {"square_solution": "def square(x):\n    y = x ** 2\n    x[...] = 0\n    return y"})
    assert scores(result) == {"square_tests": 2.0, "scale_tests": 2.0}
    failed = [c for c in result.cells["square_tests"].checks if not c.passed]
    assert [(c.message, c.weight) for c in failed] == [("square modified its input", 1.0)]
    assert "FAIL" in result.cells["square_tests"].feedback()


def test_blank_submission_scores_zero_and_shows_the_visible_test_error(course) -> None:
    result = grade(course, "blank", toy.BLANK)
    assert scores(result) == {"square_tests": 0.0, "scale_tests": 0.0}
    assert "square raised NotImplementedError" in result.cells["square_tests"].checks[0].message
    errors = [o for o in result.cell_outputs["2"] if o["output_type"] == "error"]
    assert errors and errors[0]["ename"] == "NotImplementedError"


def test_missing_function_and_wrong_type_are_explained(course) -> None:
    result = grade(course, "types", {"square_solution": "def square(x):\n    return x.tolist()",
                                     "scale_solution": "pass"})
    messages = [c.message for cell in result.cells.values() for c in cell.checks if not c.passed]
    assert "square returned a list, expected a numpy array of shape (3, 5)" in messages
    assert "scale is not defined" in messages


@pytest.mark.parametrize("content, expected", [
    (b"\xff\xfe not utf-8", "is not UTF-8"),
    (b'{"cells": [', "is not valid JSON"),
    (b'{"hello": 1}', "is not a Jupyter notebook"),
    (b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "spaceship"}]}',
     "is not a valid notebook"),
])
def test_unreadable_notebooks_give_a_problem_naming_student_and_file(course, content: bytes, expected: str) -> None:
    path = course.submission("broken", toy.ASSIGNMENT)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    result = grade_submission(course, "broken", toy.ASSIGNMENT, path)
    assert scores(result) == {"square_tests": 0.0, "scale_tests": 0.0}
    assert len(result.problems) == 1 and result.problems[0].startswith("broken/toy/toy.ipynb")
    assert expected in result.problems[0]


def test_tampered_cells_are_reported_and_points_come_from_the_source(course) -> None:
    notebook = toy.source_notebook()
    notebook.cells[2].metadata.nbgrader["points"] = 100          # inflate the test cell
    notebook.cells[2].source = "pass"                            # and gut its visible test
    copy = json.loads(json.dumps(notebook.cells[1]))
    copy["id"] = "duplicate-copy"
    notebook.cells.append(nbformat.from_dict(copy))              # duplicate a solution
    del notebook.cells[4]                                         # delete scale_tests
    notebook.cells[1], notebook.cells[3] = notebook.cells[3], notebook.cells[1]  # reorder
    path = course.submission("tamper", toy.ASSIGNMENT)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    result = grade_submission(course, "tamper", toy.ASSIGNMENT, path)
    text = "\n".join(result.problems)
    assert "metadata of cell 'square_tests' was edited (points)" in text
    assert "test cell 'square_tests' was edited; the source version was run" in text
    assert "'square_solution' is duplicated" in text
    assert "graded cell 'scale_tests' was deleted" in text
    assert "graded cells were reordered" in text
    assert result.cells["square_tests"].max_score == 3.0 and result.score == 5.0


def test_fingerprint_follows_submission_and_hidden_tests(course, tmp_path: Path) -> None:
    path = toy.submit(course, "fp")
    first = fingerprint(course, toy.ASSIGNMENT, path)
    assert first == fingerprint(course, toy.ASSIGNMENT, path)
    toy.submit(course, "fp", extra_cells=["x = 1"])
    second = fingerprint(course, toy.ASSIGNMENT, path)
    tests = course.grading_tests / toy.ASSIGNMENT / "test_toy.py"
    original = tests.read_text()
    tests.write_text(original + "\n# changed\n")
    try:
        assert len({first, second, fingerprint(course, toy.ASSIGNMENT, path)}) == 3
    finally:
        tests.write_text(original)


def test_graded_cell_without_hidden_tests_is_an_instructor_error(tmp_path: Path) -> None:
    course = toy.make_course(tmp_path)
    tests = course.grading_tests / toy.ASSIGNMENT / "test_toy.py"
    tests.write_text(tests.read_text().replace('"scale_tests"', '"square_tests"'))
    with pytest.raises(GradingSetupError, match="no hidden tests for graded cell 'scale_tests'"):
        grade_submission(course, "s", toy.ASSIGNMENT, toy.submit(course, "s"))
    tests.write_text("import nonexistent_module_xyz\n")
    with pytest.raises(GradingSetupError, match="do not load"):
        grade_submission(course, "s", toy.ASSIGNMENT, toy.submit(course, "s"))


def test_library_assertion_messages_never_reach_the_student(tmp_path: Path) -> None:
    course = toy.make_course(tmp_path)
    tests = course.grading_tests / toy.ASSIGNMENT / "test_toy.py"
    tests.write_text(tests.read_text() + '''

@pytest.mark.grade_id("scale_tests")
def test_scale_with_numpy_testing(student, rng):
    x = rng.standard_normal(3) + 1000.123456
    np.testing.assert_allclose(student.scale(x, 2.0), 3 * x)
''')
    result = grade_submission(course, "s", toy.ASSIGNMENT, toy.submit(course, "s"))
    [failed] = [c for c in result.cells["scale_tests"].checks if not c.passed]
    assert failed.message == "the returned values differ from the expected ones"
    assert "1000.12" not in result.cells["scale_tests"].feedback()
    assert any("Not equal to tolerance" in line for line in result.log)


def test_conftest_files_above_the_hidden_tests_are_not_loaded(tmp_path: Path) -> None:
    course = toy.make_course(tmp_path)
    marker = tmp_path / "conftest-was-imported"
    for directory in (tmp_path, course.grading_tests):
        (directory / "conftest.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    result = grade_submission(course, "s", toy.ASSIGNMENT, toy.submit(course, "s"))
    assert result.score == 5.0 and not marker.exists()


def test_links_to_a_classmates_submission_are_refused(course) -> None:
    victim = toy.submit(course, "alice")
    linked_dir = course.submitted / "mallory"
    linked_dir.symlink_to(victim.parent.parent, target_is_directory=True)
    result = grade_submission(course, "mallory", toy.ASSIGNMENT, course.submission("mallory", toy.ASSIGNMENT))
    assert result.score == 0 and "mallory/toy/toy.ipynb is a symbolic link" in result.problems[0]


def test_deeply_nested_json_is_reported_not_raised(course) -> None:
    path = course.submission("nested", toy.ASSIGNMENT)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[" * 200_000 + "]" * 200_000)
    result = grade_submission(course, "nested", toy.ASSIGNMENT, path)
    assert result.score == 0 and "nested too deeply" in result.problems[0]
