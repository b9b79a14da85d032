"""`grucourse similarity ASSIGNMENT`: pairs of submissions with overlapping code, for review."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    from grucourse.similarity.settings import Options

    parser = subparsers.add_parser(
        "similarity",
        help="list pairs of submissions whose own code overlaps (evidence to review, not a verdict)",
        description="Compares the student-written code of every submission with every other and with "
        "archives; writes reports/similarity/<assignment>/ (pairs.csv, index.html, a side-by-side page per listed pair "
        "and for the closest others).",
    )
    parser.add_argument("assignment")
    defaults = Options()
    parser.add_argument("--threshold", type=float, default=defaults.threshold,
                        help="list a pair when this share of either side's own code is in the other "
                        f"(default {defaults.threshold})")
    parser.add_argument("--min-shared", type=int, default=defaults.min_shared,
                        help="... and they share at least this many normalised characters of it "
                        f"(default {defaults.min_shared})")
    parser.add_argument("--common-share", type=float, default=defaults.common_share,
                        help="code that more than max(--common-min, this share of the documents) documents "
                        f"have counts for no pair (default {defaults.common_share}; like MOSS's -m)")
    parser.add_argument("--common-min", type=int, default=defaults.common_min,
                        help=f"see --common-share (default {defaults.common_min})")
    parser.add_argument("--archive", type=Path, action="append", default=[], metavar="DIR",
                        help="notebooks or .py files of earlier years or known public solutions (repeatable)")
    parser.add_argument("--keep-solution", action="store_true",
                        help="do not subtract the instructor's solution (source notebook) as expected code")
    parser.add_argument("--noise", type=int, default=25,
                        help="shortest match that counts, in normalised characters (copydetect's k, default 25)")
    parser.add_argument("--max-pages", type=int, default=200,
                        help="side-by-side pages for at most this many top pairs (all are in pairs.csv)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from grucourse.course import Course
    from grucourse.similarity.run import similarity_report
    from grucourse.similarity.settings import Options, Settings
    from grucourse.similarity.sources import submissions

    course = Course.at(args.course)
    for directory in args.archive:
        if not directory.is_dir():
            print(f"error: archive {directory} is not a directory", file=sys.stderr)
            return 2
    if not submissions(course, args.assignment):
        pattern = course.submission("*", args.assignment).relative_to(course.root)
        print(f"error: no submissions match {pattern} in {course.root}", file=sys.stderr)
        return 1
    options = Options(threshold=args.threshold, min_shared=args.min_shared,
                      common_share=args.common_share, common_min=args.common_min, settings=Settings(k=args.noise))
    outcome = similarity_report(course, args.assignment, args.archive, options,
                                subtract_solution=not args.keep_solution, max_pages=args.max_pages)
    documents = len(outcome.collection.documents)
    print(f"{documents} documents compared, {len(outcome.collection.skipped)} skipped, "
          f"{len(outcome.rows)} pairs with overlap, {len(outcome.flagged)} listed for review")
    print(f"report: {outcome.out_dir / 'index.html'}")
    return 0
