"""The judge workers behind the check service, without the hub: a check past its deadline is
stopped, answered "try again" and its worker replaced by a fresh process that grades the next one;
a worker that died between checks costs no check."""
from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import nbformat
import pytest

from grucourse.hub.check_queue import PRELOAD, TryAgain, Worker
from grucourse.pipeline.course_copy import copy_course
from grucourse.simulate import make_submission

pytestmark = pytest.mark.slow


def test_check_past_its_deadline_is_stopped_and_its_worker_replaced(tmp_path: Path) -> None:
    course = copy_course(tmp_path / "course")
    notebook = tmp_path / "gru_gates.ipynb"
    nbformat.write(make_submission(course, "gru_gates", "correct", "x"), notebook)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    worker = Worker(context)
    try:
        first = worker.pid
        args = (str(course.root), "ann", "gru_gates", str(notebook), True)
        with pytest.raises(TryAgain) as stopped:
            worker.run(args, timeout=0.01)
        assert stopped.value.reason == "timeout" and "try again" in str(stopped.value)
        assert worker.pid != first and not Path(f"/proc/{first}").exists()
        answer = json.loads(worker.run(args, timeout=600))
        assert answer["outcome"] == "graded" and answer["score"] == answer["max_score"] > 0
        # a worker that died while idle is replaced before the next check, which is graded
        worker.process.kill()
        worker.process.join()
        assert json.loads(worker.run(args, timeout=600))["outcome"] == "graded"
    finally:
        worker.stop()
