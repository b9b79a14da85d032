"""`grucourse demo`: a course directory with a simulated class, released, graded, reported."""
from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo", help="create a demo course (use --course DIR): release, simulated class, grading, feedback, report")
    parser.add_argument("--students", type=int, default=12, help="size of the simulated class (default: 12)")
    parser.add_argument("--workers", type=int, metavar="N", help="local Dask worker processes (default: one per core)")
    parser.add_argument("--from", dest="origin", metavar="COURSE", type=Path,
                        help="course whose files the demo copies (default: the course in this repository)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from grucourse.course import Course
    from grucourse.errors import CourseError
    from grucourse.pipeline.course_copy import copy_course, repository_root
    from grucourse.pipeline.demo import demo_class, write_submissions
    from grucourse.pipeline.feedback import generate_feedback
    from grucourse.pipeline.grading import ClassGrading
    from grucourse.pipeline.report import build_report
    from grucourse.pipeline.report_data import score_rows
    from grucourse.pipeline.submissions import find_submissions
    from grucourse.pipeline.summary import print_summary, score_table
    from grucourse.release import build
    from grucourse.terminal import rich_text

    console = Console()
    course = Course.at(args.course)
    origin = (args.origin or repository_root()).resolve()
    if course.root == origin:
        raise CourseError("the demo needs its own directory: grucourse --course demo_course demo")
    console.rule(f"course files of {origin} -> {course.root}")
    copy_course(course.root, origin)
    console.rule("release (nbgrader generate_assignment)")
    build(course, db_url=course.db_url, report=console.print)
    console.rule(f"{args.students} simulated students")
    write_submissions(course, demo_class(args.students))
    console.rule("grading")
    print_summary(ClassGrading(course, workers=args.workers, console=console).run(
        find_submissions(course, course.assignments())), console)
    console.rule("feedback and report")
    pages, errors = generate_feedback(course, course.assignments())
    for error in errors:
        console.print(rich_text(error))
    console.print(f"{len(pages)} feedback pages under {course.feedback}")
    console.print(f"report: {build_report(course, say=lambda text: console.print(text, markup=False))}")
    console.print(score_table(score_rows(course)))
    console.print(f"open it in nbgrader's formgrader: grucourse --course {args.course} lab")
    return 1 if errors else 0
