"""`grucourse grade`: grade every submission in parallel on Dask and fill nbgrader's gradebook."""
from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("grade", help="grade all submissions (Dask), write the gradebook")
    parser.add_argument("assignments", nargs="*", metavar="ASSIGNMENT",
                        help="assignments to grade (default: every assignment with submissions)")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="an existing Dask scheduler, e.g. tcp://host:8786")
    parser.add_argument("--workers", type=int, metavar="N", help="local worker processes (default: one per core)")
    parser.add_argument("--force", action="store_true", help="regrade even submissions with a fresh cached result")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from grucourse.course import Course
    from grucourse.judge.grade import GradingSetupError
    from grucourse.pipeline.grading import ClassGrading
    from grucourse.pipeline.submissions import find_submissions, submitted_assignments
    from grucourse.pipeline.summary import print_summary

    course = Course.at(args.course)
    console = Console()
    submissions = find_submissions(course, args.assignments or submitted_assignments(course))
    if not submissions:
        console.print(f"no submissions under {course.submitted}")
        return 1
    grading = ClassGrading(course, force=args.force, scheduler=args.scheduler, workers=args.workers, console=console)
    try:
        graded = grading.run(submissions)
    except GradingSetupError as exc:
        console.print(f"grading stopped, the gradebook is unchanged: {exc}", markup=False)
        return 1
    print_summary(graded, console)
    return 0
