"""`grucourse lab`: open the course in JupyterLab with formgrader, for grading by hand."""
from __future__ import annotations

import argparse


def run(args: argparse.Namespace) -> int:
    from grucourse.course import Course
    from grucourse.lab import describe, running_lab, wait_forever

    with running_lab(Course.at(args.course), port=args.port) as server:
        print(describe(server), flush=True)
        return wait_forever(server)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "lab",
        help="start JupyterLab on localhost with nbgrader's formgrader for the course",
        description="Start JupyterLab in the course directory with nbgrader's formgrader, assignment list "
        "and validate extensions, protected by a fresh token; print the URLs.",
    )
    parser.add_argument("--port", type=int, default=None, help="port on 127.0.0.1 (default: a free one)")
    parser.set_defaults(func=run)
