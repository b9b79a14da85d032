"""`grucourse build`: write the quiz sources and regenerate release/ with nbgrader."""
from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "build",
        help="validate the question bank, write the quiz sources and generate release/ with nbgrader",
        description="Regenerates release/<a>/<a>.ipynb from source/ with nbgrader generate_assignment. "
        "Regenerating an unchanged source rewrites nothing. The assignments are also recorded in the "
        "course gradebook, which grading needs.",
    )
    parser.add_argument("assignments", nargs="*", help="assignments to release (default: every one in source/)")
    parser.add_argument("--no-gradebook", action="store_true",
                        help="use a throw-away gradebook instead of the course's gradebook.db")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from grucourse.course import Course
    from grucourse.release import build

    course = Course.at(args.course)
    for path in build(course, args.assignments, None if args.no_gradebook else course.db_url):
        print(f"released {path.relative_to(course.root)}")
    return 0
