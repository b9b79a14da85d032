"""Crash safety (SPEC section 4, "Nothing is lost"): `kill -9` of the grading command in the
middle of a batch, then the same command again, gives every student the score an uninterrupted
run gives, a gradebook that passes SQLite's integrity check with one submission row per
student, and no orphaned grading processes.
"""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import psutil
import pytest

import attacks
from attacks import course as kit

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(900),
    pytest.mark.skipif(not kit.real_assignment_ready(), reason="gru_gates and its hidden tests are not in the repository yet"),
]
pytest.importorskip("grucourse.judge.grade", reason="the judge is not in the repository yet")

CORRECT = [f"correct{i}" for i in range(4)]
BLANK = ["blank0", "blank1"]


def _class(course: kit.Course) -> None:
    release = kit.release_notebook(course)
    correct = kit.with_code(release, attacks.load("correct").render(), "all")
    for student in CORRECT:
        kit.submit(course, student, correct)
    for student in BLANK:
        kit.submit(course, student, release)


def _cache_entries(course: kit.Course) -> int:
    return len(list((course.judge_cache / kit.ASSIGNMENT).glob("*.json")))


def _autograded(course: kit.Course) -> int:
    return len(list(course.autograded.glob(f"*/{kit.ASSIGNMENT}")))


def _kill_when(command: list[str], cwd: Path, ready: Callable[[], bool], timeout: float = 300) -> list[str]:
    """Starts `command`, SIGKILLs its main process once `ready()` (as `kill -9 <pid>` would), and
    returns the processes it had started that are still alive 30 s later (they are then killed)."""
    proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        assert kit.wait_until(lambda: ready() or proc.poll() is not None, timeout), "never reached the kill point"
        assert proc.poll() is None, "the command finished before it could be killed; the class is too small"
        children = psutil.Process(proc.pid).children(recursive=True)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        kit.wait_until(lambda: not [c for c in children if kit._alive(c)], 30)
        orphans = [c for c in children if kit._alive(c)]
        described = [f"{c.pid} {' '.join(c.cmdline())[:80]}" for c in orphans if kit._alive(c)]
        kit.kill_all(orphans)
        return described
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _check_gradebook(course: kit.Course) -> dict[str, float]:
    """Integrity, one submission per student, a grade for every graded cell; returns the scores."""
    from nbgrader.api import Gradebook

    with sqlite3.connect(course.gradebook) as con:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        dupes = con.execute("SELECT student_id, assignment_id, COUNT(*) FROM submitted_assignment "
                            "GROUP BY student_id, assignment_id HAVING COUNT(*) > 1").fetchall()
        assert not dupes
    with Gradebook(course.db_url) as gradebook:
        cells = len(gradebook.find_notebook(kit.ASSIGNMENT, kit.ASSIGNMENT).grade_cells)
        scores = {}
        for sub in gradebook.assignment_submissions(kit.ASSIGNMENT):
            grades = [g for nb in sub.notebooks for g in nb.grades]
            assert len(grades) == cells, f"{sub.student.id}: {len(grades)} grades for {cells} graded cells"
            scores[sub.student.id] = (sub.score, sub.max_score)
    assert set(scores) == set(CORRECT + BLANK)
    return scores


def _assert_scores(scores: dict[str, tuple[float, float]]) -> None:
    maximum = scores[CORRECT[0]][1]
    assert maximum > 0
    assert all(scores[s][0] == pytest.approx(maximum) for s in CORRECT), scores
    assert len({scores[s][0] for s in BLANK}) == 1 and scores[BLANK[0]][0] < maximum, scores


GRADE = [sys.executable, "-m", "grucourse.cli", "--course", ".", "grade", kit.ASSIGNMENT, "--workers", "2"]


@pytest.mark.parametrize("kill_point", ["judging", "writing"])
def test_grucourse_grade_survives_kill_9(tmp_path, kill_point: str) -> None:
    """Killed while workers judge (some results cached) or while results are being written."""
    course = kit.copy_course(tmp_path / "course")
    _class(course)
    ready = {"judging": lambda: _cache_entries(course) >= 1,
             "writing": lambda: _autograded(course) >= 1 or course.gradebook.exists()}[kill_point]
    orphans = _kill_when(GRADE, course.root, ready)
    rerun = subprocess.run(GRADE, cwd=course.root, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    _assert_scores(_check_gradebook(course))
    assert _autograded(course) == len(CORRECT + BLANK)
    assert not orphans, f"processes left running after kill -9 of grucourse grade: {orphans}"


def test_plain_nbgrader_autograde_survives_kill_9(tmp_path) -> None:
    if not (kit.REPO / "nbgrader_config.py").is_file():
        pytest.skip("nbgrader_config.py is not in the repository yet")
    course = kit.copy_course(tmp_path / "course")
    _class(course)
    nbgrader = [sys.executable, "-m", "nbgrader"]
    subprocess.run([*nbgrader, "generate_assignment", kit.ASSIGNMENT, "--force"], cwd=course.root,
                   check=True, capture_output=True, timeout=300)  # registers the assignment in the gradebook
    autograde = [*nbgrader, "autograde", kit.ASSIGNMENT]
    orphans = _kill_when(autograde, course.root, lambda: _autograded(course) >= 2)
    rerun = subprocess.run(autograde, cwd=course.root, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    _assert_scores(_check_gradebook(course))
    assert not orphans, f"processes left running after kill -9 of nbgrader autograde: {orphans}"
