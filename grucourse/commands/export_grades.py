"""`grucourse export-grades --lms moodle|canvas`: the grades (and Moodle feedback files) as the
LMS imports them, filled into the file the LMS itself gave (Moodle's grading worksheet,
Canvas's gradebook export)."""
from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("export-grades", help="grades and feedback files for Moodle or Canvas to import")
    parser.add_argument("--lms", choices=("moodle", "canvas"), required=True)
    parser.add_argument("--assignment", required=True)
    parser.add_argument("--from", dest="lms_file", type=Path, required=True, metavar="CSV",
                        help="Moodle: the downloaded grading worksheet; Canvas: the exported gradebook")
    parser.add_argument("--out", type=Path, required=True, help="the CSV to upload")
    parser.add_argument("--feedback-zip", type=Path, metavar="ZIP",
                        help="Moodle: also write the feedback pages as a zip for 'upload multiple feedback files'")
    parser.add_argument("--column", help="Canvas: the assignment's column, 'Name (id)' (default: the one named "
                                         "like the assignment)")
    parser.add_argument("--rescale", action="store_true",
                        help="Moodle: scale scores to the worksheet's maximum grade when it differs")
    parser.add_argument("--map", type=Path, metavar="CSV",
                        help="lms_name,student_id lines whose lms_name is a participant number, for students "
                             "not collected with grucourse collect")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from nbgrader.api import Gradebook, MissingEntry

    from grucourse.course import Course
    from grucourse.lms import canvas, moodle
    from grucourse.lms.grades import final_scores
    from grucourse.lms.participants import participants
    from grucourse.lms.sheet import ExportError
    from grucourse.pipeline.collect import CollectError, read_mapping
    from grucourse.terminal import printable

    course = Course.at(args.course)
    if args.feedback_zip and args.lms == "canvas":
        print("cannot export: --feedback-zip is for Moodle; Canvas has no bulk upload of feedback files")
        return 1
    try:
        mapping = read_mapping(args.map) if args.map else {}
        students = {k: v for k, v in mapping.items() if k.isdigit()}
        students.update(participants(course, args.lms, args.assignment))
        if not course.gradebook.is_file():
            raise ExportError(f"{course.gradebook} does not exist: grade the assignment first")
        with Gradebook(course.db_url) as gradebook:
            try:
                gradebook.find_assignment(args.assignment)
            except MissingEntry:
                known = ", ".join(sorted(a.name for a in gradebook.assignments))
                raise ExportError(f"{args.assignment!r} is not in the gradebook (known: {known})") from None
            scores = final_scores(gradebook, args.assignment)
        if args.lms == "moodle":
            filled = moodle.fill_worksheet(args.lms_file, args.out, scores, students, args.rescale)
        else:
            filled = canvas.gradebook_import(args.lms_file, args.out, args.assignment, scores, students, args.column)
        reports = [(args.out, filled)]
        if args.feedback_zip:
            pages = {s: sorted((course.feedback / s / args.assignment).glob("*.html")) for s in scores}
            reports.append((args.feedback_zip, moodle.feedback_zip(args.lms_file, args.feedback_zip, pages, students)))
    except (OSError, ExportError, CollectError) as exc:
        print(printable(f"cannot export: {exc}"))
        return 1
    for path, done in reports:
        for line in done.left_out:
            print(printable(f"  {line}"))
        print(printable(f"{path}: {len(done.graded)} participant(s) written, {len(done.left_out)} left out"))
    return 0
