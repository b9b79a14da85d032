"""Quiz grading throughput: 2000 generated submissions graded on 2 processes into the gradebook.

What is timed is `grucourse grade quiz_introduction` (and its alias `grucourse quiz grade`): the
class pipeline with local worker processes instead of Dask, each result cached and rendered
into autograded/ for feedback, one gradebook commit; then the same command again, resuming
with every result cached.

Submissions are right, wrong, malformed (syntax errors, non-literals, unknown keys, deleted answer
cells, corrupt JSON) and hostile (code that would create a canary file if it ever ran). The
baseline is stock `nbgrader autograde` (its Execute preprocessor runs every notebook in a
kernel) on a sample of the harmless submissions, measured in the same run.

    python benchmarks/bench_quiz.py [--students 2000] [--baseline 20]
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import numpy as np
from rich.console import Console

from grucourse.course import Course
from grucourse.pipeline.course_copy import copy_quiz_course
from grucourse.pipeline.grading import ClassGrading
from grucourse.pipeline.submissions import find_submissions
from grucourse.quiz.grade import current_quiz
from grucourse.quiz.simulate import make_quiz_submission

ASSIGNMENT = "quiz_introduction"
KINDS = ("simulated", "simulated", "simulated", "wrong", "malformed", "hostile")


def hostile_sources(canary: Path) -> list[str]:
    return [
        f"__import__('os').system('touch {canary}')",
        f"open({str(canary)!r}, 'w').write('ran')",
        f"[__import__('pathlib').Path({str(canary)!r}).touch()]",
        "9 ** 9 ** 9 ** 9",
        "[" * 5000 + "]" * 5000,
        "(lambda: (_ for _ in ()).throw(SystemExit))()",
    ]


MALFORMED = ["'b", "b", "{'a': 1}", "['a',", "None", "1 +", "'zz'", "print('b')"]


def make_class(course: Course, students: int, canary: Path, rng: np.random.Generator) -> dict[str, str]:
    """Write submitted/<s>/<quiz>/<quiz>.ipynb for every student; returns the kind of each."""
    quiz = current_quiz(course, ASSIGNMENT)
    kinds = {}
    for i in range(students):
        student, kind = f"s{i:05d}", KINDS[i % len(KINDS)]
        nb = make_quiz_submission(course, ASSIGNMENT, student, rng, rng.uniform(0.2, 1.0) if kind == "simulated" else 0.0)
        cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
        if kind == "malformed":
            for cell in cells:
                cell.source = f"answer_{cell.metadata.nbgrader.grade_id} = {MALFORMED[int(rng.integers(len(MALFORMED)))]}"
            if i % 4 == 0:
                nb.cells.remove(cells[0])
        elif kind == "hostile":
            payloads = hostile_sources(canary)
            for cell in cells:
                cell.source = f"answer_{cell.metadata.nbgrader.grade_id} = {payloads[int(rng.integers(len(payloads)))]}"
            nb.cells.insert(0, nbformat.v4.new_code_cell(f"import os\nos.system('touch {canary}')"))
        path = course.submission(student, ASSIGNMENT)
        path.parent.mkdir(parents=True)
        if kind == "malformed" and i % 12 == 4:
            path.write_text('{"cells": [', encoding="utf-8")
        else:
            nbformat.write(nb, path)
        kinds[student] = kind
    assert len(quiz.slots) == 7
    return kinds


def register(course: Course) -> None:
    """Record the quiz's cells in the gradebook the way nbgrader does (generate_assignment)."""
    from grucourse.release import generate

    generate(course, ASSIGNMENT, course.db_url)


def grade_class(course: Course) -> tuple[list, float]:
    """Results and wall time of one `grucourse grade ASSIGNMENT` run on 2 local processes."""
    with open(os.devnull, "w") as devnull:
        start = time.perf_counter()
        graded = ClassGrading(course, workers=2, console=Console(file=devnull)).run(find_submissions(course, [ASSIGNMENT]))
    return [g.result for g in graded], time.perf_counter() - start


def stock_nbgrader_seconds(course: Course, students: list[str]) -> float:
    """Wall time of plain `nbgrader autograde` (kernel execution) on `students`' submissions."""
    base = Course.at(course.root.parent / "stock")
    shutil.copytree(course.source, base.source)
    for student in students:
        shutil.copytree(course.submission(student, ASSIGNMENT).parent, base.submission(student, ASSIGNMENT).parent)
    nbgrader = [sys.executable, "-m", "nbgrader"]
    subprocess.run([*nbgrader, "generate_assignment", ASSIGNMENT, "--force"], cwd=base.root, check=True,
                   capture_output=True)
    start = time.perf_counter()
    subprocess.run([*nbgrader, "autograde", ASSIGNMENT, "--force"], cwd=base.root, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=2000)
    parser.add_argument("--baseline", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-quiz-") as tmp:
        course = copy_quiz_course(Path(tmp) / "course")
        canary = Path(tmp) / "canary"
        kinds = make_class(course, args.students, canary, np.random.default_rng(2026))
        register(course)
        results, ours = grade_class(course)
        resumed, again = grade_class(course)
        assert not canary.exists(), "hostile answer code was executed"
        assert all(r.score == 0 for r in results if kinds[r.student] in ("wrong", "hostile"))
        assert [r.score for r in resumed] == [r.score for r in results]
        rendered = [r for r in results if not any("is not valid JSON" in p for p in r.problems)]  # no release/ here
        assert len(list(course.autograded.glob(f"*/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"))) == len(rendered)
        harmless = [s for s in sorted(kinds) if kinds[s] in ("simulated", "wrong")][: args.baseline]
        stock = stock_nbgrader_seconds(course, harmless)
    per_minute = len(results) * 60 / ours
    stock_per_minute = len(harmless) * 60 / stock
    print(f"grucourse grade {ASSIGNMENT}: {len(results)} submissions in {ours:.2f} s on 2 processes, graded "
          f"notebooks and gradebook included: {per_minute:.0f} submissions/minute")
    print(f"the same command again, every result cached: {again:.2f} s")
    print(f"stock nbgrader autograde (Execute): {len(harmless)} submissions in {stock:.2f} s: "
          f"{stock_per_minute:.1f} submissions/minute")
    print(f"speed-up: {per_minute / stock_per_minute:.0f}x; canary file created: no")
    return 0 if per_minute >= 1000 else 1


if __name__ == "__main__":
    sys.exit(main())
