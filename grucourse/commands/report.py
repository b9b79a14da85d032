"""`grucourse report`: CSVs of scores and checks, plots, and reports/index.html."""
from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("report", help="scores.csv, checks.csv, plots and reports/index.html")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from grucourse.course import Course
    from grucourse.pipeline.report import build_report

    print(build_report(Course.at(args.course), say=print))
    return 0
