"""Similarity report at class scale: 500 submissions (the evaluation class of
tests/similarity_classes.py: 22 independent solutions, planted copies of them, and students whose
answers are the instructor's with one typical mistake, renamed or commented).

Prints the wall time and peak memory of `grucourse similarity` on the whole class (run as a
child process so the numbers are its own), and, on a subset, the speed of the vectorised
all-pairs overlap against copydetect's per-pair `compare_files` loop (the baseline), with the
largest difference between their similarity values.

    python benchmarks/bench_similarity.py [--size 500] [--subset 150]
"""
from __future__ import annotations

import argparse
import io
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from copydetect import CodeFingerprint, compare_files

from grucourse.course import Course
from grucourse.similarity import planted
from grucourse.similarity.fingerprints import document
from grucourse.similarity.overlap import overlaps
from grucourse.similarity.settings import Settings
from grucourse.similarity.sources import collect

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
import similarity_classes  # noqa: E402  (the evaluation classes live beside the tests)

ASSIGNMENT = similarity_classes.ASSIGNMENT


def make_class(root: Path, size: int) -> Course:
    """The repository's release and source notebooks and `size` submissions."""
    release, source = planted.course_notebooks(Course.at(REPO), ASSIGNMENT)
    evaluation = similarity_classes.build(Course.at(REPO), size)
    return planted.write_course(root, ASSIGNMENT, release, source, evaluation.submissions)


def whole_class(course: Course) -> None:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "grucourse.cli", "--course", str(course.root), "similarity", ASSIGNMENT],
        capture_output=True, text=True, check=True,
    )
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(done.stdout.strip())
    print(f"whole class: wall {wall:.1f} s, CPU {usage.ru_utime + usage.ru_stime:.1f} s, "
          f"peak RSS {usage.ru_maxrss / 1024:.0f} MiB")


def against_copydetect(course: Course, subset: int) -> None:
    """Each notebook's code as one text, nothing subtracted and nothing common, so that both
    compute the same numbers."""
    settings = Settings()
    codes = [doc.code for doc in collect(course, ASSIGNMENT, [], settings).documents[:subset]]
    ours = [document(str(i), Path(str(i)), [code], settings, np.array([], dtype=np.int64)) for i, code in enumerate(codes)]
    theirs = [CodeFingerprint("x.py", settings.k, 1, language="python", fp=io.StringIO(code)) for code in codes]
    start = time.perf_counter()
    fast = overlaps(ours, settings.k, max_frequency=len(ours)).similarity
    vectorised = time.perf_counter() - start
    start = time.perf_counter()
    slow = np.zeros_like(fast)
    for i, a in enumerate(theirs):
        for j in range(i + 1, len(theirs)):
            _, (slow[i, j], slow[j, i]), _ = compare_files(a, theirs[j])
    baseline = time.perf_counter() - start
    print(f"{subset} submissions, all pairs: compare_files loop {baseline:.2f} s, vectorised {vectorised:.2f} s "
          f"(ratio {baseline / vectorised:.0f}x), largest difference {np.abs(fast - slow).max():.2g}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=500)
    parser.add_argument("--subset", type=int, default=150)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        course = make_class(Path(tmp), args.size)
        print(f"generated {args.size} submissions in {time.perf_counter() - start:.1f} s")
        whole_class(course)
        against_copydetect(course, args.subset)


if __name__ == "__main__":
    main()
