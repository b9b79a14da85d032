"""Instant checks under a burst: 100 checks from 50 student accounts at once, through a real
JupyterHub on loopback (configurable-http-proxy, real Linux accounts, hub-issued tokens), against
`grucourse grade` of the same 100 notebooks timed in the same run.

1. Burst: every request sent at once; prints answers by kind, p50/p95/max latency and throughput.
2. Baseline: the same notebooks as a class in submitted/, `grucourse grade gru_gates --force`
   (Dask LocalCluster); prints its wall time and the ratio of the two throughputs.
3. Faults: a second burst during which one judge worker is killed (SIGKILL) and later the service
   itself, then one check per student once the hub has restarted the service; prints that every request got an answer: a result, or a clear "try again" (the service's
   own, or the proxy's 503 while the hub restarts the service, which the Check button shows as
   "restarting, try again"). A request with no answer at all is counted as lost.
Prints, never asserts. Usage (as root: it creates and removes Linux accounts):
python benchmarks/bench_hub_checks.py [--students 50] [--checks 100] [--workers 0]
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from itertools import cycle
from pathlib import Path

import nbformat
import numpy as np

from grucourse.course import Course
from grucourse.pipeline.course_copy import copy_course
from grucourse.pipeline.demo import submit_notebook
from grucourse.pipeline.nbgrader_app import register_assignments
from grucourse.simulate import make_submission, profiles

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # the hub launcher the tests use
from hub_check_support import CheckHub, running_check_hub, wait_for_service  # noqa: E402

ASSIGNMENT = "gru_gates"


def settings(workers: int) -> str:
    return (f'\nc.InstantChecks.assignments = {{"{ASSIGNMENT}": {{"allowed": True, "per_hour": 1000, "per_day": 1000}}}}\n'
            f"c.InstantChecks.workers = {workers}\n")


def notebooks(course: Course, count: int) -> list[bytes]:
    kinds = cycle(profiles(course, ASSIGNMENT))
    return [nbformat.writes(make_submission(course, ASSIGNMENT, next(kinds), f"s{i}")).encode() for i in range(count)]


def classify(status: int, body: dict[str, object]) -> str:
    if status == 200 and body.get("status") == "graded":
        return "graded"
    if body.get("status") == "try_again":
        return f"try again ({body.get('reason')})"
    if status in (502, 503) and "raw" in body:
        return "proxy 503: service restarting (Check says try again)"
    return f"other {status} {body.get('status')}"


def burst(hub: CheckHub, tokens: list[str], bodies: list[bytes], during: object = None) -> tuple[list[float], Counter[str], float]:
    """All requests at once (one thread each); latencies of graded answers, answers by kind, wall."""
    latencies: list[float] = []
    kinds: Counter[str] = Counter()
    lock = threading.Lock()
    gate = threading.Barrier(len(bodies) + 1)

    def one(i: int) -> None:
        gate.wait()
        start = time.perf_counter()
        try:
            reply = hub.check(tokens[i % len(tokens)], ASSIGNMENT, bodies[i])
            kind = classify(reply.status, reply.body)
        except OSError as exc:  # no answer at all
            kind = f"LOST ({type(exc).__name__})"
        with lock:
            kinds[kind] += 1
            if kind == "graded":
                latencies.append(time.perf_counter() - start)

    with ThreadPoolExecutor(len(bodies)) as pool:
        futures = [pool.submit(one, i) for i in range(len(bodies))]
        gate.wait()
        start = time.perf_counter()
        if callable(during):
            during()
        for future in futures:
            future.result()
    return latencies, kinds, time.perf_counter() - start


def report(title: str, latencies: list[float], kinds: Counter[str], wall: float) -> None:
    print(f"\n{title}")
    for kind, n in sorted(kinds.items()):
        print(f"  {n:4d}  {kind}")
    if latencies:
        p50, p95 = np.percentile(latencies, [50, 95])
        print(f"  latency of graded checks: p50 {p50:.2f} s, p95 {p95:.2f} s, max {max(latencies):.2f} s")
    print(f"  wall {wall:.1f} s, throughput {len(latencies) / wall:.2f} checks/s")


def baseline(course: Course, bodies: list[bytes]) -> float:
    """Wall time of `grucourse grade` on the same notebooks as a class."""
    register_assignments(course, [ASSIGNMENT])  # what release does before grading: not timed
    for i, body in enumerate(bodies):
        submit_notebook(course, f"b{i:03d}", ASSIGNMENT, nbformat.reads(body.decode(), as_version=4))
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "grucourse.cli", "--course", str(course.root), "grade", ASSIGNMENT, "--force"],
                   check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def faults(hub: CheckHub) -> None:
    """Kill a judge worker 2 s into the burst, then the service itself 10 s later."""
    time.sleep(2.0)
    worker = hub.worker_pids()[0]
    os.kill(worker, signal.SIGKILL)
    print(f"  (killed judge worker {worker} at 2 s)")
    time.sleep(10.0)
    service = hub.service_pid()
    os.kill(service, signal.SIGKILL)
    print(f"  (killed the check service {service} at 12 s; the hub restarts it)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("--checks", type=int, default=100)
    parser.add_argument("--workers", type=int, default=0, help="judge workers (0: one per core)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_hub_checks_") as tmp:
        course = copy_course(Path(tmp) / "course")
        with open(course.root / "nbgrader_config.py", "a") as config:
            config.write(settings(args.workers))
        bodies = notebooks(course, args.checks)
        print(f"{args.checks} checks of {ASSIGNMENT} from {args.students} accounts, {os.cpu_count()} cores, "
              f"load average {os.getloadavg()[0]:.1f} (other work on the machine slows every figure)")
        with running_check_hub(course.root, Path(tmp) / "hub") as hub:
            tokens = [hub.user_token(f"gcsb{i:03d}") for i in range(args.students)]
            print(f"hub up, {len(tokens)} accounts with tokens, {len(hub.worker_pids())} judge workers")
            hub.check(tokens[0], ASSIGNMENT, bodies[0])  # warm the workers once
            latencies, kinds, wall = burst(hub, tokens, bodies)
            report("Burst", latencies, kinds, wall)
            grade_wall = baseline(course, bodies)
            print(f"\nBaseline: grucourse grade {ASSIGNMENT} --force, same {len(bodies)} notebooks: {grade_wall:.1f} s, "
                  f"{len(bodies) / grade_wall:.2f} notebooks/s")
            print(f"  ratio of throughputs (checks / grade): {len(latencies) / wall / (len(bodies) / grade_wall):.2f}")
            report("Faults: worker killed at 2 s, service killed at 12 s", *burst(hub, tokens, bodies, lambda: faults(hub)))
            start = time.perf_counter()
            wait_for_service(hub)
            print(f"\nservice back {time.perf_counter() - start:.1f} s after the burst; every student checks again:")
            report("After the restart", *burst(hub, tokens, bodies[:len(tokens)]))


if __name__ == "__main__":
    main()
