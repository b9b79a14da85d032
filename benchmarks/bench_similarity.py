"""Similarity report at class scale: 500 generated submissions (mutations of a few solutions).

Prints the wall time and peak memory of `grucourse similarity` on the whole class (run as a
child process so the numbers are its own), and, on a subset, the speed of the vectorised
all-pairs overlap against copydetect's per-pair `compare_files` loop (the baseline), with the
largest difference between their similarity values.

    python benchmarks/bench_similarity.py [--size 500] [--subset 150]
"""
from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from copydetect import compare_files

from grucourse.course import Course
from grucourse.similarity import planted
from grucourse.similarity.fingerprints import Settings
from grucourse.similarity.overlap import overlaps
from grucourse.similarity.sources import collect

REPO = Path(__file__).resolve().parents[1]
BASES = REPO / "tests" / "test_similarity_data" / "independent"
ASSIGNMENT = "gru_gates"


def make_class(root: Path, size: int) -> Course:
    """The repository's release and source notebooks and `size` submissions."""
    release, source = planted.course_notebooks(Course.at(REPO), ASSIGNMENT)
    bases = {path.stem: path.read_text() for path in sorted(BASES.glob("*.py"))}
    submissions = {student: planted.fill_template(release, solution)
                   for student, solution in planted.mutated_class(bases, size).items()}
    return planted.write_course(root, ASSIGNMENT, release, source, submissions)


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
    settings = Settings()
    documents = collect(course, ASSIGNMENT, [], settings).documents[:subset]
    start = time.perf_counter()
    fast = overlaps([doc.fingerprint.hash_idx for doc in documents], settings.k).similarity
    vectorised = time.perf_counter() - start
    start = time.perf_counter()
    slow = np.zeros_like(fast)
    for i, a in enumerate(documents):
        for j in range(i + 1, len(documents)):
            _, (slow[i, j], slow[j, i]), _ = compare_files(a.fingerprint, documents[j].fingerprint)
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
