"""The instructor's single command: `grucourse <subcommand>`.

Each subcommand lives in its own module under `grucourse.commands` and exposes
`register(subparsers)`, which adds its parser and sets `func` to a callable taking the parsed
arguments and returning an exit code. Modules are imported when the CLI starts; keep their
top-level imports light and import heavy libraries inside the command function.
"""
from __future__ import annotations

import argparse
import atexit
import importlib
import os
import sys
from typing import NoReturn

from grucourse.errors import CourseError
from grucourse.terminal import printable

COMMANDS = (
    "demo",
    "build",
    "collect",
    "export_grades",
    "grade",
    "feedback",
    "report",
    "quiz",
    "similarity",
    "lab",
    "hub",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="grucourse",
        description="Build, release, collect, grade and report the GRU course assignments.",
    )
    parser.add_argument("--course", default=".", help="course directory (default: current directory)")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        importlib.import_module(f"grucourse.commands.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand; a CourseError ends it with its message (terminal-safe) and exit 1."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CourseError as exc:
        print(printable(f"grucourse {args.command}: {exc}", keep_lines=True), file=sys.stderr)
        return 1


def run() -> NoReturn:
    """The command's entry point: `main`, then its exit handlers and flushed output, then an
    exit that skips tearing down every module imported (nbgrader, SQLAlchemy, numpy, pytest:
    about 0.3 s, longer than grading one notebook)."""
    code = main()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
