"""`grucourse grade`: grade every submission in parallel (code on Dask, quizzes in local processes)
and fill nbgrader's gradebook."""
from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from grucourse.course import Course
    from grucourse.pipeline.grading import Graded
    from grucourse.pipeline.submissions import Submission


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("grade", help="grade all submissions (code on Dask, quizzes in local processes), write the gradebook")
    parser.add_argument("assignments", nargs="*", metavar="ASSIGNMENT",
                        help="assignments to grade (default: every assignment with submissions)")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="an existing Dask scheduler, e.g. tcp://host:8786")
    parser.add_argument("--workers", type=int, metavar="N", help="local worker processes (default: one per core)")
    parser.add_argument("--force", action="store_true", help="regrade even submissions with a fresh cached result")
    parser.add_argument("--dashboard", action="store_true",
                        help="serve the local cluster's Dask dashboard (bokeh) and print its address")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from grucourse.course import Course
    from grucourse.pipeline.local import start_worker_server

    course = Course.at(args.course)
    notebooks = list(course.submitted.glob("*/*/*.ipynb"))
    if not args.scheduler and len(notebooks) > 1:
        start_worker_server()  # imports the grading task on another core while this process does
    elif not args.scheduler and notebooks and not course.is_quiz(notebooks[0].parent.name):
        start_sandbox(course)  # a class of one is judged here: its sandbox starts meanwhile
    from rich.console import Console

    from grucourse.pipeline.submissions import (
        find_submissions,
        refused_folders,
        submitted_assignments,
    )
    from grucourse.pipeline.summary import print_summary
    from grucourse.terminal import rich_text

    console = Console()
    refused = refused_folders(course)
    for message in refused:
        console.print(rich_text(message, style="bold red"), soft_wrap=True)
    submissions = find_submissions(course, args.assignments or submitted_assignments(course))
    if not submissions:
        console.print(f"no submissions under {course.submitted}")
        return 1
    graded = grade_submissions(course, submissions, console, force=args.force, scheduler=args.scheduler,
                               workers=args.workers, dashboard=args.dashboard)
    if graded is None:
        return 1
    print_summary(graded, console)
    return 1 if refused else 0  # the refused folders are not graded: the run is not complete


def start_sandbox(course: Course) -> None:
    """Starts the warm sandbox of the course's sandbox settings in the background: its
    interpreter imports numpy on another core while this process imports the judge."""
    from grucourse.course import load_config_file
    from grucourse.judge.channel import prestart
    from grucourse.judge.sandbox import Sandbox

    prestart(Sandbox(config=load_config_file(course.root / "nbgrader_config.py")))


def grade_submissions(course: Course, submissions: list[Submission], console: Console, **options) -> list[Graded] | None:
    """One class grading run (ClassGrading options: force, scheduler, workers, dashboard); None, said on
    `console`, when the instructor's files stopped it before the gradebook was written."""
    from grucourse.judge.grade import GradingSetupError
    from grucourse.pipeline.grading import ClassGrading

    try:
        return ClassGrading(course, console=console, **options).run(submissions)
    except GradingSetupError as exc:
        console.print(f"grading stopped, the gradebook is unchanged: {exc}", markup=False)
        return None
    except KeyboardInterrupt:
        console.print("interrupted: the gradebook is unchanged; what was judged is kept, run the same "
                      "command again to grade the rest", markup=False, soft_wrap=True)
        return None
