"""`grucourse quiz validate|build|export|grade|analyse`: the question bank and its quizzes."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from grucourse.course import Course
from grucourse.errors import CourseError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("quiz", help="validate the question bank, build, export and analyse quizzes")
    actions = parser.add_subparsers(dest="quiz_action", required=True)
    check = actions.add_parser("validate", help="check question_bank/*.yaml and quizzes/*.yaml, answer cues "
                               "included; exit 1 on any error")
    check.add_argument("--cues", action="store_true", help="also print the answer-cue report (docs/quizzes.md)")
    check.set_defaults(func=validate)
    personal = actions.add_parser("personalise", help="write one student's own copy of a released quiz, "
                                  "as the course's fetch does (to look at or hand out)")
    personal.add_argument("assignment", help="quiz assignment, e.g. quiz_introduction")
    personal.add_argument("student", help="nbgrader student id the questions are drawn for")
    personal.add_argument("--output", "-o", type=Path, required=True, help="notebook file to write")
    personal.set_defaults(func=personalise_quiz)
    actions.add_parser("build", help="write source/quiz_*/quiz_*.ipynb from the bank").set_defaults(func=build)
    export = actions.add_parser("export", help="write the bank (with the key, for self-check) in another format")
    export.add_argument("--format", choices=("jupyterquiz", "moodle", "gift", "qti"), required=True,
                        help="qti: a QTI 1.2 zip for Canvas (needs --output)")
    export.add_argument("--output", "-o", type=Path, help="file to write (default: standard output)")
    export.add_argument("--self-check", action="store_true",
                        help="leave out every question a graded quiz can ask (for publishing, e.g. in the textbook)")
    export.set_defaults(func=export_bank)
    grade = actions.add_parser("grade", help="grade every submitted/<student>/<quiz> into the gradebook, "
                               "as `grucourse grade <quiz>` does (local processes, resumable, one commit)")
    grade.add_argument("assignment", help="quiz assignment, e.g. quiz_introduction")
    grade.add_argument("--processes", type=int, metavar="N", help="worker processes (default: one per core)")
    grade.add_argument("--force", action="store_true", help="regrade even submissions with a fresh cached result")
    grade.set_defaults(func=grade_quiz)
    analyse = actions.add_parser("analyse", help="item analysis of a graded quiz from the nbgrader gradebook")
    analyse.add_argument("assignment", help="quiz assignment, e.g. quiz_introduction")
    analyse.add_argument("--out", type=Path, help="output folder (default: reports/<assignment>)")
    analyse.set_defaults(func=analyse_quiz)


def validate(args: argparse.Namespace) -> int:
    from grucourse.quiz.bank import validate_all

    questions, quizzes, errors = validate_all(Course.at(args.course), cues=True)
    for error in errors:
        print(error)
    if args.cues and quizzes:
        from grucourse.quiz.cues import report

        print(report(questions, quizzes))
    if errors:
        print(f"{len(errors)} error(s)", file=sys.stderr)
        return 1
    print(f"{len(questions)} questions and {len(quizzes)} quizzes are valid")
    return 0


def personalise_quiz(args: argparse.Namespace) -> int:
    import nbformat

    from grucourse.ids import is_plain_id, shown
    from grucourse.quiz.draw import public_view
    from grucourse.quiz.grade import current_quiz
    from grucourse.quiz.personalise import personalise

    course = Course.at(args.course)
    released = course.release_notebook(args.assignment)
    if not released.exists():
        raise CourseError(f"{released} does not exist: run `grucourse build {args.assignment}` first")
    if not is_plain_id(args.student):
        raise CourseError(f"{shown(args.student)} is not a plain student id")
    nb = personalise(nbformat.read(released, as_version=4), public_view(current_quiz(course, args.assignment)),
                     args.student)
    nbformat.write(nb, args.output)
    print(f"{args.output}: {args.assignment} drawn for {args.student}")
    return 0


def build(args: argparse.Namespace) -> int:
    from grucourse.quiz.build import write_quiz_sources

    for path in write_quiz_sources(Course.at(args.course)):
        print(path)
    return 0


def export_bank(args: argparse.Namespace) -> int:
    from grucourse.quiz.export import BINARY, export_bytes

    if args.format in BINARY and not args.output:
        raise CourseError(f"--format {args.format} writes a zip package: give --output FILE.zip")
    data, left_out = export_bytes(Course.at(args.course), args.format, args.self_check)
    if args.output:
        args.output.write_bytes(data)
    else:
        sys.stdout.write(data.decode("utf-8"))
    if left_out:
        print(f"{len(left_out)} questions of graded quizzes left out: {', '.join(left_out)}", file=sys.stderr)
    return 0


def grade_quiz(args: argparse.Namespace) -> int:
    from rich.console import Console

    from grucourse.commands.grade import grade_submissions
    from grucourse.pipeline.submissions import find_submissions
    from grucourse.terminal import printable

    course = Course.at(args.course)
    graded = grade_submissions(course, find_submissions(course, [args.assignment]), Console(stderr=True),
                               force=args.force, workers=args.processes)
    if graded is None:
        return 1
    results = [g.result for g in graded]
    for result in results:
        for problem in result.problems:
            print(printable(f"{result.student}: {problem}", keep_lines=True), file=sys.stderr)
    total = sum(r.score for r in results)
    print(f"{len(results)} submissions of {args.assignment} graded into {course.gradebook.name}; "
          f"mean {total / max(1, len(results)):.2f} / {results[0].max_score if results else 0:g} points")
    return 0


def analyse_quiz(args: argparse.Namespace) -> int:
    from nbgrader.api import MissingEntry

    from grucourse.quiz.item_analysis import analyse_gradebook

    course = Course.at(args.course)
    if not course.is_quiz(args.assignment):
        known = ", ".join(course.quiz_assignments()) or f"none: {course.quizzes} has no quiz definition"
        raise CourseError(f"{args.assignment} is not a quiz of {course.root} (quizzes: {known})")
    if not course.gradebook.is_file():
        raise CourseError(f"{course.gradebook} does not exist: grade the quiz first (grucourse grade {args.assignment})")
    try:
        analysis = analyse_gradebook(course, args.assignment, args.out or course.reports / args.assignment)
    except MissingEntry:
        raise CourseError(f"{args.assignment} is not in {course.gradebook.name}: grade it first "
                          f"(grucourse grade {args.assignment})") from None
    print(analysis.summary())
    return 0
