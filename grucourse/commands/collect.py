"""`grucourse collect ZIP --assignment A`: import a Moodle/Canvas download into submitted/."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from grucourse.pipeline.collect import Collected


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("collect", help="import a Moodle/Canvas zip of submissions")
    parser.add_argument("zip", type=Path, help="the archive downloaded from the LMS")
    parser.add_argument("--assignment", required=True, help="assignment the notebooks belong to")
    parser.add_argument("--map", type=Path, metavar="CSV",
                        help="CSV with columns lms_name,student_id (participant number, full name or login -> "
                             "student id); with a map, a participant missing from it is refused")
    parser.add_argument("--timezone", default="UTC",
                        help="time zone of the LMS server, in which the zip stores upload times (default UTC)")
    parser.add_argument("--legacy-encoding", default="cp437", metavar="CODEC",
                        help="code page of member names stored neither as UTF-8 nor flagged (default cp437)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import codecs
    import zipfile
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from rich.console import Console

    from grucourse.course import Course
    from grucourse.pipeline.collect import CollectError, collect_zip, read_mapping
    from grucourse.terminal import printable

    console = Console(highlight=False)
    course = Course.at(args.course)
    try:
        codecs.lookup(args.legacy_encoding)
        done = collect_zip(course, args.zip, args.assignment, read_mapping(args.map) if args.map else None,
                           ZoneInfo(args.timezone), args.legacy_encoding)
    except (OSError, zipfile.BadZipFile, CollectError, LookupError, ZoneInfoNotFoundError, ValueError) as exc:
        console.print(printable(f"{args.zip}: cannot import: {type(exc).__name__}: {exc}", keep_lines=True),
                      markup=False, soft_wrap=True)
        return 1
    print_outcomes(console, done)
    return 1 if done.refused else 0


def print_outcomes(console: Console, done: Collected) -> None:
    """The table of every archive member, then the reasons by number, each naming its entry in full
    (a narrow terminal folds the table's cells), then the counts."""
    from rich.table import Table

    from grucourse.pipeline.collect import PLACED
    from grucourse.terminal import rich_text

    table = Table(title="Collected")
    for column in ("#", "archive entry", "participant", "student", "late", "status"):
        table.add_column(column, overflow="fold")
    reasons = []
    for number, outcome in enumerate(done.outcomes, 1):
        style = "green" if outcome.status == PLACED else "red" if outcome in done.refused else ""
        table.add_row(str(number), rich_text(outcome.entry, keep_lines=False), outcome.participant,
                      rich_text(outcome.student, keep_lines=False), "late" if outcome.late else "",
                      rich_text(outcome.status, style=style))
        if outcome.reason:
            reasons.append(rich_text(f"[{number}] {outcome.entry}: {outcome.status}: {outcome.reason}",
                                     keep_lines=False))
    console.print(table)
    for line in reasons:
        console.print(line, soft_wrap=True)
    counts = {s: len(done.having(s)) for s in dict.fromkeys(o.status for o in done.outcomes)}
    console.print(", ".join(f"{n} {s}" for s, n in counts.items()) or "the archive holds no files", markup=False)
