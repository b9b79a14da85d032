"""`grucourse report`: CSVs of scores and checks, plots, and reports/index.html."""
from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("report", help="scores.csv, checks.csv, plots and reports/index.html")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from grucourse.course import Course
    from grucourse.errors import CourseError
    from grucourse.pipeline.report import build_report

    course = Course.at(args.course)
    if not course.gradebook.is_file():  # opening it would create an empty one
        raise CourseError(f"{course.gradebook} does not exist: nothing has been graded in {course.root} "
                          "(grucourse grade)")
    print(build_report(course, say=print))
    return 0
