"""`grucourse collect ZIP --assignment A`: import a Moodle/Canvas download into submitted/."""
from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("collect", help="import a Moodle/Canvas zip of submissions")
    parser.add_argument("zip", type=Path, help="the archive downloaded from the LMS")
    parser.add_argument("--assignment", required=True, help="assignment the notebooks belong to")
    parser.add_argument("--map", type=Path, metavar="CSV",
                        help="CSV with columns lms_name,student_id (full name, login or LMS id -> student id)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import zipfile

    from grucourse.course import Course
    from grucourse.pipeline.collect import collect_zip, read_mapping
    from grucourse.terminal import printable

    course = Course.at(args.course)
    try:
        done = collect_zip(course, args.zip, args.assignment, read_mapping(args.map) if args.map else None)
    except (OSError, zipfile.BadZipFile, KeyError) as exc:  # KeyError: the CSV lacks a column
        print(printable(f"{args.zip}: cannot import: {type(exc).__name__}: {exc}"))
        return 1
    for line in done.warnings + done.rejected:
        print(printable(line))
    print(f"{len(done.placed)} notebook(s) placed under {course.submitted}, {len(done.rejected)} entry(ies) rejected")
    return 1 if done.rejected else 0
