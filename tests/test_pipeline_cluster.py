"""Grading on Dask: an existing scheduler gives the scores of the default local run, on every
layout; a worker whose copy of the course differs refuses to grade and is named; a killed
worker costs only what it had not handed over; tasks are named by assignment and student."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request

import pytest
from cluster_support import (
    executions,
    grade_command,
    register_log,
    scheduler,
    start_worker,
    wait_for_workers,
)
from pipeline_support import code_class, gradebook_scores

from grucourse.cli import main
from grucourse.judge.manifest import record
from grucourse.pipeline.course_copy import copy_course

pytestmark = pytest.mark.slow
KEY = re.compile(r"grade-gru_gates-[\w.-]+-[0-9a-f]{12}")


def test_scheduler_address_gives_the_same_scores_as_the_local_default(tmp_path):
    from distributed import Client, LocalCluster

    remote = code_class(tmp_path / "remote")
    with LocalCluster(n_workers=3, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        assert main(["--course", str(remote.root), "grade", "gru_gates", "--scheduler", cluster.scheduler_address]) == 0
        with Client(cluster) as client:
            assert len(client.scheduler_info()["workers"]) == 3
        assert "grade" in cluster.scheduler.task_prefixes  # the work ran on this cluster, under our key names
    local = code_class(tmp_path / "local")
    assert main(["--course", str(local.root), "grade", "gru_gates"]) == 0
    assert gradebook_scores(remote, "gru_gates") == gradebook_scores(local, "gru_gates")
    assert len(gradebook_scores(local, "gru_gates")) == 5
    one = code_class(tmp_path / "one")
    scratch = tmp_path / "scratch"  # the run's temporary directory: what its workers leave there
    scratch.mkdir()
    command = [sys.executable, "-m", "grucourse.cli", "--course", str(one.root), "grade", "gru_gates", "--workers", "1",
               "--dashboard"]
    out = subprocess.run(command, capture_output=True, text=True, timeout=900, env={**os.environ, "TMPDIR": str(scratch)})
    assert out.returncode == 0, out.stdout + out.stderr
    assert re.search(r"^Dask dashboard: http://127\.0\.0\.1:\d+/status$", out.stdout, re.M), out.stdout  # asked for
    assert gradebook_scores(one, "gru_gates") == gradebook_scores(local, "gru_gates")
    assert not list(scratch.glob("grucourse-judge-*"))  # each worker removed its judge folder when it exited


def test_a_worker_with_a_stale_copy_of_the_course_refuses_to_grade_and_is_named(tmp_path):
    """The worker runs in a mount namespace where the course's path shows another copy: the
    same submissions, hidden tests one edit older (recorded, so the copy is consistent)."""
    course = code_class(tmp_path / "course")
    stale = copy_course(tmp_path / "stale")
    subprocess.run(["cp", "-a", f"{course.submitted}/.", str(stale.submitted)], check=True)
    checks = stale.grading_tests / "gru_gates" / "test_gates.py"
    checks.write_text(checks.read_text() + "\n# the checks as they were before the last edit\n")
    record(stale.grading_tests)
    with scheduler(tmp_path) as info:
        worker = start_worker(info["address"], "stale-worker", (course.root, stale.root))
        try:
            wait_for_workers(info["address"], 1)
            out = subprocess.run(grade_command(course.root, info["address"]), capture_output=True, text=True,
                                 timeout=900)
        finally:
            worker.kill()
            worker.wait()
    text = " ".join((out.stdout + out.stderr).split())
    assert out.returncode == 1, text
    assert "grading stopped, the gradebook is unchanged" in text
    assert re.search(r"\(Dask worker tcp://127\.0\.0\.1:\d+, named stale-worker\)", text), text
    assert "grading_tests/gru_gates/test_gates.py (different content)" in text
    assert "grading_tests/MANIFEST.sha256 (different content)" in text
    assert not list(course.judge_cache.rglob("*.json"))  # nothing it judged was kept
    assert "Traceback" not in text


def test_a_killed_worker_costs_only_what_it_had_not_handed_over(tmp_path):
    """Two `dask worker` processes; one is SIGKILLed after it started its fifth task. Results
    are released once written, so Dask recomputes only the task it was running (and at most one
    it had finished but not yet handed over), not everything it had delivered. Every student
    still gets the score of the default local run."""
    course = code_class(tmp_path / "remote", correct=14)
    log = tmp_path / "executions.log"
    with scheduler(tmp_path) as info:
        address = info["address"]
        dashboard = info["services"]["dashboard"]
        with urllib.request.urlopen(f"http://127.0.0.1:{dashboard}/status", timeout=60) as page:
            assert page.status == 200  # bokeh is installed: the dashboard serves
        workers = [start_worker(address, f"w{i}") for i in range(2)]
        try:
            wait_for_workers(address, 2)
            register_log(address, log)
            grading = subprocess.Popen(grade_command(course.root, address), stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT, text=True)
            deadline = time.monotonic() + 600
            while (sum(name == "w0" for name, _ in executions(log)) < 5 and grading.poll() is None
                   and time.monotonic() < deadline):
                time.sleep(0.02)
            assert grading.poll() is None, f"graded before the worker could be killed: {grading.communicate()[0]}"
            workers[0].kill()
            out, _ = grading.communicate(timeout=900)
        finally:
            for worker in workers:
                worker.kill()
                worker.wait()
    assert grading.returncode == 0, out
    keys = [key for _, key in executions(log)]
    assert all(KEY.fullmatch(key) for key in keys), keys
    assert len(set(keys)) == 17  # 14 correct, blank, corrupt, misnamed
    assert len(keys) - len(set(keys)) <= 2, sorted(keys)
    local = code_class(tmp_path / "local", correct=14)
    assert main(["--course", str(local.root), "grade", "gru_gates"]) == 0
    assert gradebook_scores(course, "gru_gates") == gradebook_scores(local, "gru_gates")
