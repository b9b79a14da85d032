"""A newcomer follows docs/student_guide.md to the letter, then the instructor collects and grades.

The student's config and commands are read from the guide's ```python and ```bash blocks, so
the guide cannot drift from what works. Everything runs through the real nbgrader exchange on
this machine, with the course copied from the repository, and the score is read back from the
SQLite gradebook.
"""
from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import nbformat
import pytest

from grucourse.course import Course
from grucourse.pipeline.course_copy import copy_course
from grucourse.simulate import answers_for, fill_solutions

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

REPO = Path(__file__).resolve().parent.parent
GUIDE = REPO / "docs" / "student_guide.md"
ASSIGNMENT = "gru_gates"
STUDENT = "alice"


def guide_blocks(language: str) -> list[str]:
    """The guide's fenced code blocks in one language, in order."""
    return re.findall(rf"^```{language}\n(.*?)^```", GUIDE.read_text(), flags=re.MULTILINE | re.DOTALL)


def run(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run a command as its user would; fail the test with its output if it fails."""
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{shlex.join(argv)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def run_block(block: str, home: Path, env: dict[str, str]) -> list[str]:
    """Type a guide's command block line by line in the student's home; each command's output."""
    return [run(shlex.split(line, comments=True), cwd=home, env=env) for line in block.splitlines() if line.strip()]


def student_env(home: Path) -> dict[str, str]:
    """A student account: own home, none of this machine's Jupyter settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")}
    env["HOME"] = str(home)
    return env


def write_student_config(home: Path, exchange: Path) -> None:
    """Step 1 of the guide, with the values an instructor hands out."""
    (config,) = guide_blocks("python")
    config = config.replace("/srv/nbgrader/exchange", str(exchange)).replace("your_student_id", STUDENT)
    (home / ".jupyter").mkdir(parents=True)
    (home / ".jupyter" / "nbgrader_config.py").write_text(config)


def solve(notebook: Path, course: Course) -> None:
    """What the student types into the solution cells: a correct answer."""
    nb = nbformat.read(notebook, as_version=4)
    nbformat.write(fill_solutions(nb, answers_for(course, ASSIGNMENT, "correct")), notebook)


def test_student_guide_fetch_validate_submit_then_collect_and_grade(tmp_path: Path) -> None:
    course = copy_course(tmp_path / "course")
    exchange = course.root / "exchange"
    home = tmp_path / "home" / STUDENT
    write_student_config(home, exchange)
    env = student_env(home)

    run(["grucourse", "build", ASSIGNMENT], cwd=course.root)
    run(["nbgrader", "release_assignment", ASSIGNMENT], cwd=course.root)

    fetch, validate_and_submit, fetch_feedback = guide_blocks("bash")
    outputs = run_block(fetch, home, env)
    assert f"gru_course {ASSIGNMENT}" in outputs[0], "nbgrader list shows the released assignment"
    notebook = home / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert notebook.read_bytes() == course.release_notebook(ASSIGNMENT).read_bytes()

    solve(notebook, course)
    outputs = run_block(validate_and_submit, home, env)
    assert "Success! Your notebook passes all the tests." in outputs[0]
    assert re.search(rf"gru_course {STUDENT} {ASSIGNMENT} \d{{4}}-", outputs[2]), "list --inbound shows the submission"

    run(["nbgrader", "collect", ASSIGNMENT], cwd=course.root)
    submitted = nbformat.read(course.submission(STUDENT, ASSIGNMENT), as_version=4)
    assert submitted == nbformat.read(notebook, as_version=4)
    run(["nbgrader", "autograde", ASSIGNMENT], cwd=course.root)
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url) as gradebook:
        stored = gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, STUDENT)
        assert stored.max_score > 0
        assert stored.score == stored.max_score, "a correct solution gets every point"

    run(["nbgrader", "generate_feedback", ASSIGNMENT], cwd=course.root)
    run(["nbgrader", "release_feedback", ASSIGNMENT], cwd=course.root)
    run_block(fetch_feedback, home, env)
    (page,) = (home / ASSIGNMENT / "feedback").glob(f"*/{ASSIGNMENT}.html")
    assert f"{ASSIGNMENT} (Score: {stored.max_score:.1f} / {stored.max_score:.1f})" in page.read_text()


def test_unfinished_notebook_fails_validation(tmp_path: Path) -> None:
    """The guide promises validate catches what the grader would: here, untouched solution cells."""
    course = copy_course(tmp_path / "course")
    done = subprocess.run(["nbgrader", "validate", str(course.release_notebook(ASSIGNMENT))],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert "NotImplementedError" in done.stdout + done.stderr
    assert "Success!" not in done.stdout
