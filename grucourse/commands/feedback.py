"""`grucourse feedback [ASSIGNMENT ...]`: HTML feedback per student via nbgrader generate_feedback."""
from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("feedback", help="per-student HTML feedback (nbgrader generate_feedback)")
    parser.add_argument("assignments", nargs="*", metavar="ASSIGNMENT",
                        help="assignments (default: every graded assignment)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from grucourse.course import Course
    from grucourse.pipeline.feedback import generate_feedback, graded_assignments
    from grucourse.terminal import printable

    course = Course.at(args.course)
    pages, errors = generate_feedback(course, args.assignments or graded_assignments(course))
    for error in errors:
        print(printable(error, keep_lines=True))
    print(f"{len(pages)} feedback page(s) under {course.feedback}")
    return 1 if errors else 0
