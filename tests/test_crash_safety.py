"""Crash safety (SPEC section 4, "Nothing is lost"): `kill -9` of the grading command in the
middle of a batch, then the same command again, gives every student the score an uninterrupted
run gives, a gradebook that passes SQLite's integrity check with one submission row per
student, and no orphaned grading processes.
"""
from __future__ import annotations

import contextlib
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import attacks
import psutil
import pytest
from attacks import course as kit

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(900),
]

CORRECT = [f"correct{i}" for i in range(3)]
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
        kit.wait_until(lambda: not [c for c in children if kit.is_alive(c)], 30)
        orphans = [c for c in children if kit.is_alive(c)]
        described = [kit.describe(c) for c in orphans if kit.is_alive(c)]
        kit.kill_all(orphans)
        return described
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def _check_gradebook(course: kit.Course, scored: bool = True) -> dict[str, tuple[float, float]]:
    """Integrity, one submission per student, a grade row for every graded cell and (`scored`)
    a score in each; returns (score, max score) per student."""
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
            if scored:
                assert all(g.auto_score is not None for g in grades), f"{sub.student.id}: a graded cell has no score"
            scores[sub.student.id] = (sub.score, sub.max_score)
    assert set(scores) == set(CORRECT + BLANK)
    return scores


def _assert_scores(scores: dict[str, tuple[float, float]]) -> None:
    maximum = scores[CORRECT[0]][1]
    assert maximum > 0
    assert all(scores[s][0] == pytest.approx(maximum) for s in CORRECT), scores
    assert len({scores[s][0] for s in BLANK}) == 1 and scores[BLANK[0]][0] < maximum, scores


GRADE = [sys.executable, "-m", "grucourse.cli", "--course", ".", "grade", kit.ASSIGNMENT, "--workers", "2"]


def test_grucourse_grade_survives_kill_9_while_judging_and_while_writing(tmp_path) -> None:
    """Killed while workers judge (some results cached), then the re-run killed while it writes
    graded notebooks, then a last run: every score right, gradebook consistent."""
    course = kit.copy_course(tmp_path / "course")
    _class(course)
    orphans = _kill_when(GRADE, course.root, lambda: _cache_entries(course) >= 1)
    assert not course.gradebook.exists() or _autograded(course) == 0, "the first kill came too late"
    orphans += _kill_when(GRADE, course.root, lambda: _autograded(course) >= 1)
    rerun = subprocess.run(GRADE, cwd=course.root, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    _assert_scores(_check_gradebook(course))
    assert _autograded(course) == len(CORRECT + BLANK)
    assert not orphans, f"processes left running after kill -9 of grucourse grade: {orphans}"


@pytest.fixture(scope="module")
def nbgrader_killed(tmp_path_factory) -> dict:
    """Plain `nbgrader autograde` killed with -9 in the middle of a student, then run again."""
    course = kit.copy_course(tmp_path_factory.mktemp("nbgrader_killed") / "course")
    _class(course)
    nbgrader = [sys.executable, "-m", "nbgrader"]
    subprocess.run([*nbgrader, "generate_assignment", kit.ASSIGNMENT, "--force"], cwd=course.root,
                   check=True, capture_output=True, timeout=300)  # registers the assignment in the gradebook
    autograde = [*nbgrader, "autograde", kit.ASSIGNMENT]
    # Students go in name order (blank0, blank1, correct0, ...): killed while correct0 is graded,
    # so a half-graded student who is then skipped on the re-run shows up as a lost score.
    orphans = _kill_when(autograde, course.root, lambda: _autograded(course) >= 3)
    rerun = subprocess.run(autograde, cwd=course.root, capture_output=True, text=True, timeout=600)
    return {"course": course, "orphans": orphans, "rerun": rerun}


def test_plain_nbgrader_autograde_rerun_after_kill_9_keeps_the_gradebook_consistent(nbgrader_killed) -> None:
    rerun = nbgrader_killed["rerun"]
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    _check_gradebook(nbgrader_killed["course"], scored=False)
    assert not nbgrader_killed["orphans"], f"left running after kill -9: {nbgrader_killed['orphans']}"


def test_plain_nbgrader_autograde_rerun_after_kill_9_gives_every_score(nbgrader_killed) -> None:
    _assert_scores(_check_gradebook(nbgrader_killed["course"]))


_GRADE_ONE = """
import sys
from pathlib import Path
from grucourse.course import Course
from grucourse.judge.grade import grade_submission
grade_submission(Course.at(sys.argv[1]), sys.argv[2], sys.argv[3], Path(sys.argv[4]))
"""


@pytest.fixture(scope="module")
def grader_killed_mid_sandbox(tmp_path_factory) -> Iterator[dict]:
    """`kill -9` of a grading process while the student's code (forked children, then a busy
    loop) runs in its sandbox; what is left of the sandbox afterwards."""
    course = kit.copy_course(tmp_path_factory.mktemp("killed_grader") / "course")
    mark = kit.mark_for(secrets.token_hex(4), "killedgrader")
    code = attacks.load("fork_bomb").render(mark=mark) + "\nwhile True:\n    pass\n"
    path = kit.submit(course, "looper", kit.with_code(kit.release_notebook(course), code, "first"))
    grader = subprocess.Popen([sys.executable, "-c", _GRADE_ONE, str(course.root), "looper", kit.ASSIGNMENT, str(path)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    groups = lambda: sorted(Path("/sys/fs/cgroup").glob(f"*/grucourse-{grader.pid}-*"))  # noqa: E731
    try:
        assert kit.wait_until(lambda: len(kit.marked_processes(mark)) >= 5, 120), "the sandbox never started"
        groups_while_running = groups()
        sandbox = [p for p in psutil.Process(grader.pid).children(recursive=True)] + kit.marked_processes(mark)
        os.kill(grader.pid, signal.SIGKILL)
        grader.wait()
        kit.wait_until(lambda: not [p for p in sandbox if kit.is_alive(p)], 20)
        survivors = [kit.describe(p) for p in sandbox if kit.is_alive(p)]
        kit.kill_all(sandbox)
        yield {"survivors": survivors, "groups_while_running": groups_while_running, "groups_after": groups()}
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(grader.pid, signal.SIGKILL)
        for group in groups():  # what the killed grader could not clean up itself
            with contextlib.suppress(OSError):
                group.rmdir()


def test_kill_9_of_the_grader_takes_the_sandbox_down(grader_killed_mid_sandbox) -> None:
    """bwrap's --die-with-parent: nothing the student started outlives a killed grader."""
    assert not grader_killed_mid_sandbox["survivors"]


def test_kill_9_of_the_grader_leaves_no_cgroup(grader_killed_mid_sandbox) -> None:
    if not grader_killed_mid_sandbox["groups_while_running"]:
        pytest.skip("cgroups are not writable here, so the sandbox made none")
    assert kit.wait_until(lambda: not [g for g in grader_killed_mid_sandbox["groups_after"] if g.exists()], 5), \
        grader_killed_mid_sandbox["groups_after"]
