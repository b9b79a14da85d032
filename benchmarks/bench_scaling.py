"""Scaling: the same class graded by `grucourse grade` on several cluster layouts, same run.

Layouts: a LocalCluster of 1, 2 and 4 worker processes (`--workers N`), and separate
`dask scheduler` + `dask worker` processes (2 workers, one thread each, the grading preload)
reached with `--scheduler`. Each run starts from the same fresh class (no resume cache). Prints
wall time, throughput, CPU time per submission (every process the run started: grader,
scheduler, workers, sandboxes) and the throughput relative to one local worker, and checks that
every layout gave the same scores. Prints, never asserts. Usage:
python benchmarks/bench_scaling.py [--code 40] [--assignment gru_gates]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_grading import CpuMeter, code_class, grucourse, timed
from nbgrader.api import Gradebook

from grucourse.course import Course
from grucourse.pipeline.course_copy import copy_course, repository_root
from grucourse.pipeline.nbgrader_app import register_assignments

DASK = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
WORKER = [sys.executable, "-m", "distributed.cli.dask_worker"]


def fresh_class(tmp: Path, name: str, size: int, assignment: str) -> Course:
    course = copy_course(tmp / name)
    register_assignments(course, [assignment])
    code_class(course, size, assignment)
    return course


def scores(course: Course, assignment: str) -> dict[str, float]:
    with Gradebook(course.db_url) as gradebook:
        return {s.student_id: round(s.score, 6) for s in gradebook.assignment_submissions(assignment)}


def separate_processes(course: Course, tmp: Path, workers: int) -> tuple[float, float]:
    """Wall and CPU time of a run on a `dask scheduler` and `workers` `dask worker` processes
    started (and stopped) inside the measurement."""
    meter = CpuMeter()
    start = time.perf_counter()
    info = tmp / "scheduler.json"
    info.unlink(missing_ok=True)
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    scheduler = subprocess.Popen(meter.command([*DASK, "--scheduler-file", str(info), "--port", "0", "--host",
                                                "127.0.0.1", "--dashboard-address", "127.0.0.1:0"]), **quiet)
    while not info.exists():
        time.sleep(0.05)
    time.sleep(0.1)
    address = json.loads(info.read_text())["address"]
    unprofiled = {**os.environ, "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": "False"}  # as docs/cluster.md advises
    started = [subprocess.Popen(meter.command([*WORKER, address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                                               "--preload", "grucourse.pipeline.worker_setup"]), env=unprofiled, **quiet)
               for _ in range(workers)]
    try:
        subprocess.run(meter.command(grucourse(course, "--scheduler", address)), cwd=course.root, check=True, **quiet)
    finally:
        for process in [*started, scheduler]:
            process.terminate()
        for process in [*started, scheduler]:
            process.wait(60)
    seconds = time.perf_counter() - start
    cpu = meter.seconds()
    meter.close()
    return seconds, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=int, default=40, help="code submissions (default 40)")
    parser.add_argument("--assignment", choices=Course.at(repository_root()).code_assignments(), default="gru_gates")
    args = parser.parse_args()
    size, assignment = args.code, args.assignment
    results: list[tuple[str, float, float]] = []
    seen: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-scaling-") as tmp:
        for workers in (1, 2, 4):
            course = fresh_class(Path(tmp), f"local{workers}", size, assignment)
            seconds, _, cpu = timed(grucourse(course, assignment, "--workers", str(workers)), course.root)
            results.append((f"LocalCluster, {workers} worker{'s' * (workers > 1)}", seconds, cpu))
            seen[results[-1][0]] = scores(course, assignment)
        course = fresh_class(Path(tmp), "separate", size, assignment)
        seconds, cpu = separate_processes(course, Path(tmp), 2)
        results.append(("dask scheduler + 2 dask worker processes", seconds, cpu))
        seen[results[-1][0]] = scores(course, assignment)
    base = size / results[0][1]
    print(f"{size} {assignment} submissions per layout (start-up of the cluster included)")
    for name, seconds, cpu in results:
        rate = size / seconds
        print(f"{name:45s} {seconds:6.1f} s  {rate:5.2f} submissions/s ({rate / base:.2f}x one worker)  "
              f"CPU {1000 * cpu / size:5.0f} ms per submission")
    same = all(s == seen[results[0][0]] for s in seen.values())
    print("scores identical on every layout:", "yes" if same else f"NO: {seen}")


if __name__ == "__main__":
    main()
