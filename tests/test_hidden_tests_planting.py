"""Hidden tests cannot be planted: the trusted pytest session loads only what `grucourse build`
recorded, by name, with no conftest.py, ini file, environment plugin or foreign bytecode.

Each planted file, if it were loaded, would create a marker file (and award points); the real
judge grades the toy course with the real sandbox.
"""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from judge_fixtures import toy_course as toy

from grucourse.judge.grade import GradingSetupError, grade_submission
from grucourse.judge.manifest import MANIFEST_NAME, manifest_text, record
from grucourse.pipeline.course_copy import copy_course, repository_root

BLANK_SCORE = 0.0
FULL_SCORE = 5.0


def planted(marker: Path) -> str:
    """Code that leaves evidence of having run and tries to pass every check."""
    return (f"open({str(marker)!r}, 'w').close()\n"
            "import pytest\n"
            "@pytest.hookimpl(tryfirst=True)\n"
            "def pytest_runtest_call(item):\n"
            "    item.runtest = lambda: None\n")


def grade_blank(course) -> float:
    path = toy.submit(course, "blank", toy.BLANK)
    return grade_submission(course, "blank", toy.ASSIGNMENT, path).score


@pytest.fixture
def recorded(tmp_path: Path):
    """A toy course whose hidden tests were recorded by the build step."""
    course = toy.make_course(tmp_path / "course")
    record(course.grading_tests)
    return course


def test_a_recorded_course_grades_normally(recorded) -> None:
    assert (recorded.grading_tests / MANIFEST_NAME).is_file()
    path = toy.submit(recorded, "good")
    assert grade_submission(recorded, "good", toy.ASSIGNMENT, path).score == FULL_SCORE
    assert grade_blank(recorded) == BLANK_SCORE


def test_added_conftest_and_test_module_stop_grading_naming_them(recorded, tmp_path: Path) -> None:
    marker = tmp_path / "planted-code-ran"
    folder = recorded.grading_tests / toy.ASSIGNMENT
    (folder / "conftest.py").write_text(planted(marker))
    (folder / "test_x.py").write_text(planted(marker) + "def test_free_points():\n    pass\n")
    (recorded.grading_tests / "pytest.ini").write_text("[pytest]\naddopts = -p no:judge\n")
    with pytest.raises(GradingSetupError) as raised:
        grade_blank(recorded)
    message = str(raised.value)
    for name in (f"{toy.ASSIGNMENT}/conftest.py", f"{toy.ASSIGNMENT}/test_x.py", "grading_tests/pytest.ini"):
        assert name in message and "added after the last `grucourse build`" in message
    assert "grucourse build" in message
    assert not marker.exists()


def test_a_changed_or_removed_test_file_is_detected(recorded) -> None:
    test_file = recorded.grading_tests / toy.ASSIGNMENT / "test_toy.py"
    original = test_file.read_text()
    test_file.write_text(original.replace("x ** 2, name", "student.square(x), name"))
    with pytest.raises(GradingSetupError, match=f"{toy.ASSIGNMENT}/test_toy.py was changed"):
        grade_blank(recorded)
    test_file.unlink()
    with pytest.raises(GradingSetupError, match=f"{toy.ASSIGNMENT}/test_toy.py was removed"):
        grade_blank(recorded)
    test_file.write_text(original)
    assert grade_blank(recorded) == BLANK_SCORE


def test_a_symbolic_link_among_the_hidden_tests_is_refused(recorded, tmp_path: Path) -> None:
    outside = tmp_path / "test_outside.py"
    outside.write_text("def test_free():\n    pass\n")
    (recorded.grading_tests / toy.ASSIGNMENT / "test_link.py").symlink_to(outside)
    with pytest.raises(GradingSetupError, match="test_link.py is a symbolic link"):
        grade_blank(recorded)


def test_without_a_record_no_conftest_ini_or_environment_plugin_is_loaded(tmp_path: Path, monkeypatch) -> None:
    """The session itself, record or not, loads none of pytest's usual extension points."""
    course = toy.make_course(tmp_path / "course")
    marker = tmp_path / "planted-code-ran"
    folder = course.grading_tests / toy.ASSIGNMENT
    (folder / "conftest.py").write_text(planted(marker))
    for config in ("pytest.ini", "tox.ini"):
        (folder / config).write_text("[pytest]\naddopts = -p evil_plugin\n")
    (folder / "pyproject.toml").write_text('[tool.pytest.ini_options]\naddopts = "-p evil_plugin"\n')
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "evil_plugin.py").write_text(planted(marker))
    monkeypatch.syspath_prepend(str(plugins))
    monkeypatch.setenv("PYTEST_PLUGINS", "evil_plugin")
    monkeypatch.setenv("PYTEST_ADDOPTS", "-p evil_plugin")
    assert grade_blank(course) == BLANK_SCORE
    assert not marker.exists()
    assert os.environ["PYTEST_PLUGINS"] == "evil_plugin", "the grader's environment is restored"


def test_hidden_tests_that_are_a_package_are_refused(tmp_path: Path) -> None:
    """pytest imports a package's __init__.py before its tests: refused, record or not."""
    course = toy.make_course(tmp_path / "course")
    marker = tmp_path / "init-ran"
    (course.grading_tests / "__init__.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    with pytest.raises(GradingSetupError, match="must not be a package"):
        grade_blank(course)
    assert not marker.exists()


def _forge_bytecode(source: Path, evil: str) -> Path:
    """A .pyc in the __pycache__ next to `source` that Python would accept for it (same mtime and
    size in its header) but that holds `evil`."""
    from importlib._bootstrap_external import _code_to_timestamp_pyc

    info = source.stat()
    pyc = Path(importlib.util.cache_from_source(str(source)))
    pyc.parent.mkdir(exist_ok=True)
    pyc.write_bytes(_code_to_timestamp_pyc(compile(evil, str(source), "exec"), int(info.st_mtime), info.st_size))
    return pyc


def test_forged_bytecode_next_to_the_hidden_tests_is_not_run(recorded, tmp_path: Path) -> None:
    marker = tmp_path / "forged-bytecode-ran"
    folder = recorded.grading_tests / toy.ASSIGNMENT
    (folder / "helpers.py").write_text("def expected_square(x):\n    return x ** 2\n")
    test_file = folder / "test_toy.py"
    test_file.write_text("import helpers\n" + test_file.read_text())
    record(recorded.grading_tests)
    _forge_bytecode(folder / "helpers.py", f"open({str(marker)!r}, 'w').close()\ndef expected_square(x):\n    return x\n")
    plain = subprocess.run([sys.executable, "-c", "import helpers"], cwd=folder, capture_output=True, timeout=60,
                           env={k: v for k, v in os.environ.items() if k != "PYTHONPYCACHEPREFIX"})
    assert plain.returncode == 0 and marker.exists(), "an ordinary import runs the forged bytecode"
    marker.unlink()
    assert grade_blank(recorded) == BLANK_SCORE
    assert not marker.exists()


def test_the_build_record_is_stable_and_the_repository_record_is_current(tmp_path: Path) -> None:
    course = copy_course(tmp_path / "course")
    first = record(course.grading_tests)
    text = (course.grading_tests / MANIFEST_NAME).read_text()
    assert "unchanged" in record(course.grading_tests), first
    assert (course.grading_tests / MANIFEST_NAME).read_text() == text
    repository = repository_root() / "grading_tests"
    assert (repository / MANIFEST_NAME).read_text() == manifest_text(repository), \
        "grading_tests/ changed since the last `grucourse build`: run it and commit grading_tests/MANIFEST.sha256"
