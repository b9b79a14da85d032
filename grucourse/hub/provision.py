"""Make (and unmake) one hub of the course: accounts, files, settings, in that order."""
from __future__ import annotations

from pathlib import Path

from grucourse.hub import accounts, layout
from grucourse.hub.accounts import Account
from grucourse.hub.settings import HubSettings
from grucourse.lab import free_port


def course_id_of(origin: Path | None) -> str:
    """The course id the course's nbgrader_config.py sets (the embedded course: gru_course)."""
    from grucourse.course import load_config_file
    from grucourse.pipeline.course_copy import repository_root

    config = load_config_file((origin or repository_root()) / "nbgrader_config.py")
    return str(config.CourseDirectory.get("course_id") or "course")


def make_settings(root: Path, course_id: str, grader: str, instructors: list[str], students: list[str],
                  assignments: list[str], port: int | None = None, exchange: Path | None = None) -> HubSettings:
    """Settings with free loopback ports for the hub's inner parts (API, proxy, services)."""
    for name in (grader, *instructors, *students):
        accounts.check_name(name)
    return HubSettings(
        root=root.resolve(), course_id=course_id, grader=grader, instructors=tuple(instructors),
        students=tuple(students), port=port or free_port(), hub_api_port=free_port(),
        proxy_api_port=free_port(), formgrader_port=free_port(), check_port=free_port(),
        exchange=(exchange or root / "exchange").resolve(), assignments=tuple(assignments),
    )


def people(settings: HubSettings, passwords: dict[str, str]) -> list[Account]:
    """The instructors and students, with the given password or a new one each."""
    return [Account(name, settings.role_of(name), passwords.get(name) or accounts.new_password())
            for name in (*settings.instructors, *settings.students)]


def provision(settings: HubSettings, people: list[Account], origin: Path | None = None) -> None:
    """Create the accounts (the grader's without a password) and every file of the hub."""
    accounts.create(Account(settings.grader, "grader"))
    for person in people:
        accounts.create(person)
    layout.prepare(settings, origin)


def teardown(settings: HubSettings) -> None:
    """Remove the hub's accounts, their homes and the hub's files (the hub must be stopped)."""
    for name in (*settings.students, *settings.instructors, settings.grader):
        accounts.remove(name)
    layout.remove_files(settings)
