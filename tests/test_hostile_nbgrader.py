"""The two class-grading commands, plain `nbgrader autograde` (with the course's
nbgrader_config.py) and `grucourse grade` (Dask workers, resume cache, single gradebook
writer), against the attacks that beat nbgrader's own in-kernel grading
(tests/test_hostile_corpus.py) and those aimed at the gradebook: every attacker scores no
more than the blank notebook, the gradebook is the same before and after the attackers'
background processes had time to act, other files are untouched and no attack process survives.
"""
from __future__ import annotations

import secrets
import sqlite3
import subprocess
import sys
import time

import attacks
import pytest
from attacks import course as kit

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(900),
]

ATTACKS = ["daemon_rewrites_gradebook", "ipython_input_transformer", "patch_numpy_testing", "lying_object",
           "write_outside", "fake_protocol_frames"]
# Short limits for the attackers' sake (the honest controls are fast anyway), set where an
# instructor would: in the course's nbgrader_config.py.
SHORT_LIMITS = "\nc.Sandbox.call_timeout = 4.0\nc.Sandbox.cell_timeout = 4.0\nc.Sandbox.max_restarts = 3\n"
# The grading run itself writes these; everything else must stay byte-identical.
WRITTEN_BY_GRADER = (*kit.GRADER_OUTPUT, "gradebook.db")


def _gradebook_dump(course: kit.Course) -> list[str]:
    with sqlite3.connect(course.gradebook) as con:
        return list(con.iterdump())


def _scores(course: kit.Course) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url) as gradebook:
        return {s.student.id: s.score for s in gradebook.assignment_submissions(kit.ASSIGNMENT)}


NBGRADER = [sys.executable, "-m", "nbgrader"]
COMMANDS = {"nbgrader autograde": [*NBGRADER, "autograde", kit.ASSIGNMENT],
            "grucourse grade": [sys.executable, "-m", "grucourse.cli", "--course", ".", "grade", kit.ASSIGNMENT,
                                "--workers", "2"]}


@pytest.fixture(scope="module", params=list(COMMANDS))
def autograded(request, tmp_path_factory):
    course = kit.copy_course(tmp_path_factory.mktemp("hostile_class") / "course")
    with open(course.root / "nbgrader_config.py", "a") as config:
        config.write(SHORT_LIMITS)
    if request.param == "nbgrader autograde":  # nbgrader needs the assignment in its gradebook first
        subprocess.run([*NBGRADER, "generate_assignment", kit.ASSIGNMENT, "--force"], cwd=course.root,
                       check=True, capture_output=True, timeout=300)
    release = kit.release_notebook(course)
    token = secrets.token_hex(4)
    kit.submit(course, "blank", release)
    for control in ("correct", "correct_with_warnings"):
        kit.submit(course, control, kit.with_code(release, attacks.load(control).render(), "all"))
    for name in ATTACKS:
        attack = attacks.load(name)
        code = attack.render(mark=kit.mark_for(token, name), course=course.root, repo=kit.REPO, port=9)
        kit.submit(course, name, kit.with_code(release, code, attack.placement))
    before = kit.tree_digest(course.root, skip=WRITTEN_BY_GRADER)
    run = subprocess.run(COMMANDS[request.param], cwd=course.root, capture_output=True, text=True, timeout=800)
    dump = _gradebook_dump(course)
    time.sleep(4)  # the daemons wait 2 s after they start, then keep rewriting for 10 s
    stray = kit.marked_processes(f"gruatk{token}")
    kit.kill_all(stray)
    return {"course": course, "run": run, "before": before, "dump": dump, "stray": stray,
            "after": kit.tree_digest(course.root, skip=WRITTEN_BY_GRADER), "token": token}


def test_autograde_succeeds_and_grades_everyone(autograded) -> None:
    assert autograded["run"].returncode == 0, autograded["run"].stderr[-3000:]
    assert set(_scores(autograded["course"])) == {"blank", "correct", "correct_with_warnings", *ATTACKS}


@pytest.mark.parametrize("control", ["correct", "correct_with_warnings"])
def test_correct_gets_full_marks_and_blank_does_not(autograded, control: str) -> None:
    """RuntimeWarnings on stderr must not turn into lost points on nbgrader's path either."""
    from nbgrader.api import Gradebook

    with Gradebook(autograded["course"].db_url) as gradebook:
        correct = gradebook.find_submission(kit.ASSIGNMENT, control)
        assert correct.score == correct.max_score > _scores(autograded["course"])["blank"]


@pytest.mark.parametrize("name", ATTACKS)
def test_attack_scores_no_more_than_blank(autograded, name: str) -> None:
    scores = _scores(autograded["course"])
    assert scores[name] <= scores["blank"]


def test_gradebook_unchanged_after_background_processes_had_time(autograded) -> None:
    assert _gradebook_dump(autograded["course"]) == autograded["dump"]


def test_other_files_intact_and_no_attack_process_left(autograded) -> None:
    assert kit.digest_changes(autograded["before"], autograded["after"]) == []
    assert not autograded["stray"]
    assert not kit.host_files_with(kit.mark_for(autograded["token"], "write_outside"), autograded["course"])
