"""`grucourse hub`: the course on a real JupyterHub on this machine (as root; docs/hub.md)."""
from __future__ import annotations

import argparse
from pathlib import Path

DEFAULT_STUDENTS = ("gru-student1", "gru-student2", "gru-student3")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "hub", help="run the course on JupyterHub with real accounts, nbgrader's exchange and formgrader",
        description="Create Linux accounts (an instructor, students, a grader account), install the course "
        "for the grader, release assignments into a shared exchange and run JupyterHub with PAM log-in, "
        "one JupyterLab per account, formgrader for the instructors only and the instant-check service. "
        "Passwords are printed once. Needs root. The course is --course when it holds an "
        "nbgrader_config.py, else the embedded GRU course.")
    parser.add_argument("--root", type=Path, default=Path("/srv/grucourse"), help="hub folder (default: /srv/grucourse)")
    parser.add_argument("--exchange", type=Path, default=Path("/srv/nbgrader/exchange"),
                        help="nbgrader exchange (default: /srv/nbgrader/exchange)")
    parser.add_argument("--port", type=int, default=8000, help="port of the hub on 127.0.0.1 (default: 8000)")
    parser.add_argument("--instructor", action="append", metavar="NAME", help="instructor account (default: gru-instructor)")
    parser.add_argument("--student", action="append", metavar="NAME", help=f"student account (default: {', '.join(DEFAULT_STUDENTS)})")
    parser.add_argument("--password", action="append", default=[], metavar="NAME=PASSWORD",
                        help="password of an account (default: a new random one, printed)")
    parser.add_argument("--assignment", action="append", metavar="A", help="assignment to release (default: all in release/)")
    parser.add_argument("--remove", action="store_true", help="stop nothing, delete the accounts and files of a hub made before")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import os

    from grucourse.course import Course
    from grucourse.hub.provision import course_id_of, make_settings, people, provision, teardown
    from grucourse.hub.server import running_hub
    from grucourse.hub.settings import SETTINGS_FILE, HubSettings
    from grucourse.pipeline.course_copy import repository_root

    if os.geteuid() != 0:
        print("grucourse hub creates Linux accounts and runs JupyterHub as root: run it as root")
        return 2
    if args.remove:
        teardown(HubSettings.load(args.root / "state" / SETTINGS_FILE))
        print(f"removed the accounts and {args.root}, {args.exchange}")
        return 0
    given = Course.at(args.course)
    origin = given.root if (given.root / "nbgrader_config.py").is_file() else repository_root()
    assignments = args.assignment or sorted(p.name for p in (origin / "release").iterdir() if p.is_dir())
    course_id = course_id_of(origin)
    settings = make_settings(args.root, course_id, f"grader-{course_id}"[:32], args.instructor or ["gru-instructor"],
                             args.student or list(DEFAULT_STUDENTS), assignments, args.port, args.exchange)
    passwords = dict(item.split("=", 1) for item in args.password)
    accounts = people(settings, passwords)
    print(f"setting up {course_id} from {origin} in {settings.root} ...", flush=True)
    provision(settings, accounts, origin)
    with running_hub(settings) as process:
        print(f"JupyterHub for {course_id}: {settings.url}/hub/login   (log: {settings.log_file})")
        print(f"  formgrader (instructors): {settings.url}/services/{course_id}/formgrader")
        for account in accounts:
            shown = "(given)" if account.name in passwords else account.password
            print(f"  {account.role:10} {account.name:20} password {shown}")
        print("Press Ctrl+C to stop; `grucourse hub --remove` deletes the accounts and files.", flush=True)
        try:
            return process.wait()
        except KeyboardInterrupt:
            return 0
