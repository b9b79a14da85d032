"""Instant checks through a real JupyterHub: the check service grades a student's notebook with the
trusted judge, knows the student only from the hub, limits and logs every check, queues fairly,
and answers every request (a result, or a clear "try again") even when a worker is killed.

Requests carry real hub tokens of real Linux accounts and go through configurable-http-proxy.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import attacks
import nbformat
import pytest
from attacks import course as kit
from hub_check_support import CheckHub, Reply, request, running_check_hub, wait_for_service

from grucourse.course import Course
from grucourse.pipeline.course_copy import copy_course
from grucourse.simulate import make_submission

pytestmark = pytest.mark.slow

SETTINGS = """
c.InstantChecks.assignments = {
    "gru_gates": {"allowed": True, "per_hour": 60, "per_day": 200, "show_score": True},
    "gru_bptt": {"allowed": True, "per_hour": 2, "per_day": 5, "show_score": False},
}
c.InstantChecks.workers = 2
c.InstantChecks.max_pending_per_user = 8
"""


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    root = tmp_path_factory.mktemp("hubcheck") / "course"
    copy_course(root)
    with open(root / "nbgrader_config.py", "a") as config:
        config.write(SETTINGS)
    return Course.at(root)


@pytest.fixture(scope="module")
def hub(course: Course) -> Any:
    with running_check_hub(course.root, course.root.parent / "hub") as running:
        yield running


def notebook(course: Course, profile: str, assignment: str = "gru_gates") -> bytes:
    return nbformat.writes(make_submission(course, assignment, profile, "x")).encode()


def cells(reply: Reply) -> dict[str, dict[str, Any]]:
    assert reply.status == 200, reply
    return {cell["grade_id"]: cell for cell in reply.body["result"]["cells"]}


def test_wrong_function_gets_its_hint_then_the_fix_passes(hub: CheckHub, course: Course) -> None:
    token = hub.user_token("gcs_ann")
    wrong = cells(hub.check(token, "gru_gates", notebook(course, "no_bias")))
    assert not wrong["reset_gate_tests"]["passed"]
    assert "the bias b_r is missing" in " ".join(wrong["reset_gate_tests"]["lines"])
    assert wrong["sigmoid_tests"]["passed"] and wrong["sigmoid_tests"]["score"] == 1
    right = hub.check(token, "gru_gates", notebook(course, "correct"))
    assert all(cell["passed"] for cell in cells(right).values())
    assert right.body["result"]["score"] == right.body["result"]["max_score"] > 0


def test_answer_reveals_no_hidden_inputs_or_test_source(hub: CheckHub, course: Course) -> None:
    text = json.dumps(hub.check(hub.user_token("gcs_ann"), "gru_gates", notebook(course, "cho_update")).body)
    assert "rng seed" not in text and "seed" not in text
    hidden = "\n".join(p.read_text() for p in (course.grading_tests / "gru_gates").glob("test_*.py"))
    source_lines = {line.strip() for line in hidden.splitlines() if len(line.strip()) > 30}
    assert not [line for line in source_lines if line in text]
    assert "cell_outputs" not in text and "log" not in json.loads(text)["result"]


def test_score_hidden_when_the_instructor_says_so(hub: CheckHub, course: Course) -> None:
    reply = hub.check(hub.user_token("gcs_hid"), "gru_bptt", notebook(course, "correct", "gru_bptt"))
    assert reply.status == 200, reply
    assert "score" not in reply.body["result"]
    assert all("score" not in cell and cell["passed"] for cell in reply.body["result"]["cells"])


def test_assignment_not_opened_is_refused(hub: CheckHub, course: Course) -> None:
    reply = hub.check(hub.user_token("gcs_ann"), "gru_variants", notebook(course, "correct", "gru_variants"))
    assert reply.status == 403 and reply.body["status"] == "not_allowed"


def test_no_token_no_check(hub: CheckHub, course: Course) -> None:
    assert hub.check("not-a-token", "gru_gates", notebook(course, "correct")).status == 403


def test_rate_limit_names_the_time_of_the_next_check(hub: CheckHub, course: Course) -> None:
    token = hub.user_token("gcs_rate")
    nb = notebook(course, "no_direct_path", "gru_bptt")
    assert [hub.check(token, "gru_bptt", nb).status for _ in range(2)] == [200, 200]
    limited = hub.check(token, "gru_bptt", nb)
    assert limited.status == 429 and limited.body["status"] == "rate_limited"
    assert "2 per hour" in limited.body["message"] and limited.body["retry_at"] in limited.body["message"]
    assert 3000 < int(limited.headers["retry-after"]) <= 3600
    # another student's allowance is their own
    assert hub.check(hub.user_token("gcs_rate2"), "gru_bptt", nb).status == 200


def test_identity_comes_from_the_hub_not_the_request(hub: CheckHub, course: Course) -> None:
    alice, bob = hub.user_token("gcs_alice"), hub.user_token("gcs_bob")
    assert hub.check(alice, "gru_gates", notebook(course, "reset_after")).status == 200
    # bob asks for alice's history every way a request could name her: he gets only his own
    for query in ("", "?user=gcs_alice", "?name=gcs_alice"):
        mine = request(f"{hub.service_url}api/checks{query}", bob)
        assert mine.status == 200 and mine.body["user"] == "gcs_bob" and mine.body["checks"] == []
    hers = request(f"{hub.service_url}api/checks", alice)
    assert hers.body["user"] == "gcs_alice" and [c["outcome"] for c in hers.body["checks"]] == ["graded"]
    session = request(f"{hub.service_url}api/session", bob)
    assert session.body["user"] == "gcs_bob" and session.body["assignments"] == ["gru_bptt", "gru_gates"]


def test_log_is_unreadable_by_students(hub: CheckHub, course: Course) -> None:
    hub.user_token("gcs_bob")
    log = course.root / ".checks" / "checks.sqlite"
    assert log.stat().st_mode & 0o077 == 0 and (course.root / ".checks").stat().st_mode & 0o077 == 0
    peek = subprocess.run(["runuser", "-u", "gcs_bob", "--", "cat", str(log)], capture_output=True)
    assert peek.returncode != 0 and b"ermission denied" in peek.stderr


HOSTILE = ("fork_bomb", "infinite_loop_top_level", "big_output", "patch_numpy_compare")


def test_hostile_notebooks_are_as_harmless_as_in_batch_grading(hub: CheckHub, course: Course) -> None:
    token = hub.user_token("gcs_mallory")
    release = kit.release_notebook(course)
    blank = cells(hub.check(token, "gru_gates", nbformat.writes(release).encode()))
    before = kit.tree_digest(course.root, skip=(*kit.GRADER_OUTPUT, ".checks"))
    for name in HOSTILE:
        attack, mark = attacks.load(name), kit.mark_for("hub", name)
        code = attack.render(mark=mark, course=str(course.root), repo=str(kit.REPO))
        got = cells(hub.check(token, "gru_gates", nbformat.writes(kit.with_code(release, code, attack.placement)).encode()))
        assert sum(c["score"] for c in got.values()) <= sum(c["score"] for c in blank.values()), (name, got)
        assert not kit.marked_processes(mark), name
    assert kit.digest_changes(before, kit.tree_digest(course.root, skip=(*kit.GRADER_OUTPUT, ".checks"))) == []
    assert all(c["passed"] for c in cells(hub.check(token, "gru_gates", notebook(course, "correct"))).values())


def slow_notebook(course: Course) -> bytes:
    """A notebook whose top level loops until the cell's time limit: a check that takes seconds."""
    nb = make_submission(course, "gru_gates", "correct", "x")
    nb.cells.append(nbformat.v4.new_code_cell("while True:\n    pass"))
    return nbformat.writes(nb).encode()


def test_killed_worker_answers_try_again_and_is_replaced(hub: CheckHub, course: Course) -> None:
    """Both workers run a slow check; one is killed: its check is answered "try again", the other
    one's is graded, and a fresh worker takes the dead one's place."""
    token = hub.user_token("gcs_kill")
    workers = hub.worker_pids()
    assert len(workers) == 2
    with ThreadPoolExecutor(2) as pool:
        pending = [pool.submit(hub.check, token, "gru_gates", slow_notebook(course)) for _ in range(2)]
        _wait_for_checks(hub, token, "running", 2)
        os.kill(workers[0], signal.SIGKILL)
        replies = sorted((f.result(timeout=600) for f in pending), key=lambda r: r.status)
    assert [r.status for r in replies] == [200, 503]
    died = replies[1].body
    assert died["status"] == "try_again" and died["reason"] == "worker_died" and "try again" in died["message"]
    assert workers[0] not in hub.worker_pids() and len(hub.worker_pids()) == 2
    assert hub.check(token, "gru_gates", notebook(course, "correct")).status == 200
    outcomes = [c["outcome"] for c in request(f"{hub.service_url}api/checks", token).body["checks"]]
    assert sorted(outcomes) == ["graded", "graded", "worker_died"]


def test_service_killed_mid_check_is_answered_and_comes_back(hub: CheckHub, course: Course) -> None:
    """The service dies during a check: the proxy answers the request (503), the hub restarts the
    service, the check is logged as interrupted (not counted against the limits), the old workers
    end, and the next check is graded."""
    token = hub.user_token("gcs_restart")
    old_service, old_workers = hub.service_pid(), hub.worker_pids()
    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(hub.check, token, "gru_gates", slow_notebook(course))
        _wait_for_checks(hub, token, "running", 1)
        os.kill(old_service, signal.SIGKILL)
        reply = pending.result(timeout=600)
    assert reply.status in (502, 503), reply
    wait_for_service(hub)
    assert hub.service_pid() != old_service
    assert [c["outcome"] for c in request(f"{hub.service_url}api/checks", token).body["checks"]] == ["interrupted"]
    assert hub.check(token, "gru_gates", notebook(course, "correct")).status == 200
    deadline = time.monotonic() + 120
    while any(Path(f"/proc/{pid}").exists() for pid in old_workers) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not [pid for pid in old_workers if Path(f"/proc/{pid}").exists()]


def _wait_for_checks(hub: CheckHub, token: str, outcome: str, count: int, timeout: float = 120) -> None:
    """Until the student's log shows `count` checks with `outcome` (handed to a worker)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = request(f"{hub.service_url}api/checks", token).body["checks"]
        if sum(row["outcome"] == outcome for row in rows) >= count:
            return
        time.sleep(0.1)
    raise TimeoutError(f"no {count} checks {outcome}")


def test_a_burst_from_one_student_does_not_hold_up_another(hub: CheckHub, course: Course) -> None:
    """X fills both workers and the queue with slow checks; Y's single check starts at the first
    free worker, so it is answered before X's third check and later ones."""
    x, y = hub.user_token("gcs_burst"), hub.user_token("gcs_quiet")
    slow = slow_notebook(course)
    done: dict[str, float] = {}

    def timed(label: str, token: str, body: bytes) -> Reply:
        reply = hub.check(token, "gru_gates", body)
        done[label] = time.monotonic()
        return reply

    with ThreadPoolExecutor(7) as pool:
        burst = [pool.submit(timed, f"x{i}", x, slow) for i in range(6)]
        _wait_for_checks(hub, x, "running", 2)
        _wait_for_checks(hub, x, "queued", 4)
        start = time.monotonic()
        quiet = pool.submit(timed, "y", y, notebook(course, "correct"))
        assert quiet.result(timeout=600).status == 200
        assert [f.result(timeout=600).status for f in burst] == [200] * 6
    x_order = sorted(done[f"x{i}"] for i in range(6))
    print(f"y answered after {done['y'] - start:.1f} s; x's answers at", [round(t - start, 1) for t in x_order])
    assert done["y"] < x_order[3], "y waited behind more than the checks already running"
