"""A grading machine that cannot build the sandbox refuses to grade, through both class
commands, with an error naming the machine and what is missing, and leaves the gradebook
without a score; with the documented opt-out of a trusted machine it grades.

The sandbox is made unavailable the way a misconfigured worker would have it: the bubblewrap
binary the course's config names does not exist.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys

import attacks
import pytest
from attacks import course as kit
from nbgrader.api import Gradebook

from grucourse.judge.sandbox import ALLOW_UNSANDBOXED_ENV

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(900),
]

MISSING_BWRAP = "/nonexistent/bwrap"
REFUSAL = "REFUSING TO RUN STUDENT CODE WITHOUT THE SANDBOX"
NBGRADER = [sys.executable, "-m", "nbgrader"]
COMMANDS = {"nbgrader autograde": [*NBGRADER, "autograde", kit.ASSIGNMENT],
            "grucourse grade": [sys.executable, "-m", "grucourse.cli", "--course", ".", "grade", kit.ASSIGNMENT,
                                "--workers", "1"]}


def scores(course: kit.Course) -> dict[str, float]:
    with Gradebook(course.db_url) as gradebook:
        if kit.ASSIGNMENT not in [a.name for a in gradebook.assignments]:
            return {}
        return {s.student.id: s.score for s in gradebook.assignment_submissions(kit.ASSIGNMENT)}


def class_without_bubblewrap(root, command: str) -> kit.Course:
    """A course copy whose config names a missing bubblewrap, with a correct and a blank submission."""
    course = kit.copy_course(root)
    with open(course.root / "nbgrader_config.py", "a") as config:
        config.write(f"\nc.Sandbox.bwrap = {MISSING_BWRAP!r}\n")
    if command == "nbgrader autograde":  # nbgrader needs the assignment in its gradebook first
        subprocess.run([*NBGRADER, "generate_assignment", kit.ASSIGNMENT, "--force"], cwd=course.root,
                       check=True, capture_output=True, timeout=300)
    release = kit.release_notebook(course)
    kit.submit(course, "blank", release)
    kit.submit(course, "correct", kit.with_code(release, attacks.load("correct").render(), "all"))
    return course


def grade(course: kit.Course, command: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != ALLOW_UNSANDBOXED_ENV} | env
    return subprocess.run(COMMANDS[command], cwd=course.root, capture_output=True, text=True, timeout=800,
                          env=environment)


@pytest.mark.parametrize("command", list(COMMANDS))
def test_grading_refuses_without_the_sandbox_and_says_where_and_why(tmp_path, command: str) -> None:
    course = class_without_bubblewrap(tmp_path / "course", command)
    run = grade(course, command)
    output = run.stdout + run.stderr
    assert run.returncode != 0, output[-3000:]
    assert REFUSAL in output and MISSING_BWRAP in output, output[-3000:]
    assert f"host {socket.gethostname()} pid " in output
    if command == "grucourse grade":
        assert "grading stopped, the gradebook is unchanged" in output and "(Dask worker tcp://" in output
    assert "c.Sandbox.require_isolation = False" in output and ALLOW_UNSANDBOXED_ENV in output
    assert not any(scores(course).values())  # no score for anyone, not a silent zero per student
    assert not course.autograded_notebook("correct", kit.ASSIGNMENT).exists()


@pytest.mark.parametrize("command", list(COMMANDS))
def test_the_opt_out_of_a_trusted_machine_grades(tmp_path, command: str) -> None:
    course = class_without_bubblewrap(tmp_path / "course", command)
    run = grade(course, command, **{ALLOW_UNSANDBOXED_ENV: "1"})
    assert run.returncode == 0, (run.stdout + run.stderr)[-3000:]
    assert "SANDBOX UNAVAILABLE" in run.stdout + run.stderr
    graded = scores(course)
    assert graded["correct"] > graded["blank"] == 0
    with Gradebook(course.db_url) as gradebook:
        correct = gradebook.find_submission(kit.ASSIGNMENT, "correct")
        assert correct.score == correct.max_score > 0
