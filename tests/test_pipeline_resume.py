"""A grading run killed with SIGKILL mid-batch is finished by running it again, with the same scores."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from pipeline_support import code_class, gradebook_scores

from grucourse.cli import main

pytestmark = pytest.mark.slow

CORRECT = 10


def kill_when_some_are_cached(course, at_least: int = 2, timeout: float = 240) -> int:
    """Start `grucourse grade` in its own process group; SIGKILL the group once results arrive."""
    cache = course.judge_cache / "gru_gates"
    proc = subprocess.Popen([sys.executable, "-m", "grucourse.cli", "--course", str(course.root), "grade",
                             "gru_gates", "--workers", "1"], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    while len(list(cache.glob("*.json"))) < at_least:
        assert proc.poll() is None, "grading ended before it could be interrupted"
        assert time.monotonic() < deadline, "no result was cached in time"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    return len(list(cache.glob("*.json")))


def test_rerun_after_kill_9_matches_an_uninterrupted_run(tmp_path):
    interrupted = code_class(tmp_path / "interrupted", correct=CORRECT)
    total = CORRECT + 2  # the corrupt notebook is judged too; the renamed one counts once
    cached = kill_when_some_are_cached(interrupted)
    assert cached < total + 1, "the run was not interrupted mid-batch"
    assert main(["--course", str(interrupted.root), "grade", "gru_gates"]) == 0

    uninterrupted = code_class(tmp_path / "uninterrupted", correct=CORRECT)
    assert main(["--course", str(uninterrupted.root), "grade", "gru_gates"]) == 0

    resumed = gradebook_scores(interrupted, "gru_gates")
    assert resumed == gradebook_scores(uninterrupted, "gru_gates")
    assert len(resumed) == CORRECT + 3
    assert not list(interrupted.judge_cache.rglob("*.tmp"))
