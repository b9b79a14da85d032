"""Class grading: `grucourse grade` against serial plain `nbgrader autograde`, same run, same machine.

1. 40 code submissions of gru_gates (or --assignment; correct, one typical bug each, blank), graded
   a) by `nbgrader autograde` with nbgrader's STOCK preprocessors (a kernel per notebook running
      the visible test cells: the baseline), in a course copy whose nbgrader_config.py is stock;
   b) by `grucourse grade` (sandboxed judge on a Dask LocalCluster, gradebook, autograded/).
   Prints both wall times, CPU per submission (every process each run started) and the speed-up,
   then the wall time of `grucourse grade` for a class of one (graded in the grading process).
2. A class of 500 quiz submissions graded by `grucourse grade`: throughput (submissions/minute)
   and the peak RSS of the grading process (the single gradebook writer).
Prints, never asserts. Usage:
python benchmarks/bench_grading.py [--code 40] [--assignment gru_gates] [--quiz 500] [--skip-baseline]
With --assignment gru_variants the judge also runs the hidden training check (600 Adam steps per
submission); stock nbgrader only runs the notebook's visible cells, so it does less work.
"""
from __future__ import annotations

import argparse
import ctypes
import itertools
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from itertools import cycle, islice
from pathlib import Path

import numpy as np

from grucourse.course import Course
from grucourse.pipeline.course_copy import copy_course, repository_root
from grucourse.pipeline.demo import submit_notebook
from grucourse.pipeline.nbgrader_app import register_assignments

STOCK_CONFIG = """c = get_config()
c.CourseDirectory.root = {root!r}
c.CourseDirectory.course_id = "gru_course"
"""


def code_class(course: Course, size: int, assignment: str) -> None:
    from grucourse.simulate import make_submission, profiles

    for i, profile in enumerate(islice(cycle(["correct", *profiles(course, assignment)]), size)):
        submit_notebook(course, f"s{i:03d}", assignment, make_submission(course, assignment, profile, f"s{i:03d}"))


def quiz_class(course: Course, size: int) -> None:
    from grucourse.quiz.simulate import make_quiz_submission

    rng = np.random.default_rng(0)
    for i in range(size):
        student = f"q{i:04d}"
        submit_notebook(course, student, "quiz_introduction",
              make_quiz_submission(course, "quiz_introduction", student, rng, rng.uniform(0.2, 1.0)))


class CpuMeter:
    """CPU time of a set of commands and every process they start: a cpuacct cgroup where one can
    be made (it counts sandboxes killed before their parents reaped them, which rusage misses),
    else the rusage of reaped children, this process being a subreaper of orphaned descendants."""

    def __init__(self) -> None:
        self.group: Path | None = CPUACCT / f"grucourse-bench-{os.getpid()}-{next(_METERS)}"
        try:
            self.group.mkdir()
        except OSError:
            self.group = None
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
        self.start = self._now()

    def _now(self) -> float:
        if self.group is not None:
            return int((self.group / "cpuacct.usage").read_text()) / 1e9
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    def command(self, argv: list[str]) -> list[str]:
        """`argv` run inside the group."""
        if self.group is None:
            return argv
        return ["/bin/sh", "-c", f'echo $$ > "{self.group}/cgroup.procs" && exec "$@"', "cpu-meter", *argv]

    def seconds(self) -> float:
        """CPU time so far; waits for orphaned descendants first."""
        reap_orphans()
        return self._now() - self.start

    def close(self) -> None:
        if self.group is not None:
            for _ in range(100):
                try:
                    self.group.rmdir()
                    return
                except OSError:
                    time.sleep(0.1)


CPUACCT = Path("/sys/fs/cgroup/cpuacct")
_METERS = itertools.count()


def reap_orphans(timeout: float = 30.0) -> None:
    """Waits for every descendant left behind (re-parented here), up to `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.05)


def timed(command: list[str], cwd: Path) -> tuple[float, int, float]:
    """Wall time, peak RSS (kB, VmHWM sampled from /proc) and CPU time (s, of the command and
    every process it started) of one command."""
    meter = CpuMeter()
    start = time.perf_counter()
    proc = subprocess.Popen(meter.command(command), cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]

    def sample() -> None:
        status = Path(f"/proc/{proc.pid}/status")
        while proc.poll() is None:
            try:
                line = next(x for x in status.read_text().splitlines() if x.startswith("VmHWM"))
                peak[0] = max(peak[0], int(line.split()[1]))
            except (OSError, StopIteration):
                pass
            time.sleep(0.1)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, err = proc.communicate()
    seconds = time.perf_counter() - start
    sampler.join()
    if proc.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{err.decode()[-3000:]}")
    cpu = meter.seconds()
    meter.close()
    return seconds, peak[0], cpu


def grucourse(course: Course, *args: str) -> list[str]:
    return [sys.executable, "-m", "grucourse.cli", "--course", str(course.root), "grade", *args]


def bench_code(tmp: Path, size: int, assignment: str, baseline: bool) -> None:
    ours = copy_course(tmp / "ours")
    register_assignments(ours, [assignment])  # like generate_assignment for the baseline: not timed
    code_class(ours, size, assignment)
    ours_s, _, ours_cpu = timed(grucourse(ours, assignment), ours.root)
    print(f"grucourse grade:           {size} {assignment} submissions in {ours_s:7.1f} s, "
          f"CPU {ours_cpu:.1f} s ({1000 * ours_cpu / size:.0f} ms per submission, start-up included)")
    if not baseline:
        return
    stock = copy_course(tmp / "stock")
    (stock.root / "nbgrader_config.py").write_text(STOCK_CONFIG.format(root=str(stock.root)))
    subprocess.run(["nbgrader", "generate_assignment", assignment, "--force", "--log-level=ERROR"],
                   cwd=stock.root, check=True)
    code_class(stock, size, assignment)
    stock_s, _, stock_cpu = timed(["nbgrader", "autograde", assignment, "--log-level=ERROR"], stock.root)
    print(f"nbgrader autograde (stock): {size} {assignment} submissions in {stock_s:7.1f} s, "
          f"CPU {stock_cpu:.1f} s ({1000 * stock_cpu / size:.0f} ms per submission)")
    print(f"speed-up: {stock_s / ours_s:.1f}x")
    one = copy_course(tmp / "one")
    register_assignments(one, [assignment])
    code_class(one, 1, assignment)
    one_s, _, one_cpu = timed(grucourse(one, assignment), one.root)
    print(f"grucourse grade, one submission end to end: {one_s:.2f} s wall, CPU {one_cpu:.2f} s")


def bench_quiz(tmp: Path, size: int) -> None:
    course = copy_course(tmp / "quiz")
    register_assignments(course, ["quiz_introduction"])
    quiz_class(course, size)
    seconds, peak_kb, _ = timed(grucourse(course, "quiz_introduction"), course.root)
    print(f"grucourse grade:           {size} quiz submissions in {seconds:7.1f} s "
          f"= {60 * size / seconds:.0f} per minute; grader peak RSS {peak_kb / 1024:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=int, default=40, help="code submissions (default 40)")
    parser.add_argument("--quiz", type=int, default=500, help="quiz submissions (default 500)")
    parser.add_argument("--assignment", choices=Course.at(repository_root()).code_assignments(), default="gru_gates",
                        help="code assignment to grade (default gru_gates)")
    parser.add_argument("--skip-baseline", action="store_true", help="do not run stock nbgrader autograde")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        if args.code:
            bench_code(Path(tmp), args.code, args.assignment, not args.skip_baseline)
        if args.quiz:
            bench_quiz(Path(tmp), args.quiz)


if __name__ == "__main__":
    main()
