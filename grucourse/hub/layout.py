"""The files of a hub course, with the owner and mode each must have (docs/hub.md explains why).

    <root>/                      0755 root   every account reads the Jupyter configuration below
      state/                     0700 root   hub database, cookie secret, settings, log
      jupyter/common/            0755 root   nbgrader_config.py of every account (students configure nothing)
      jupyter/<role>/labconfig/  0755 root   which nbgrader panels each role's JupyterLab shows
      courses/<course_id>/       0700 grader source/, grading_tests/, gradebook.db: the grader account only
    <exchange>/                  1777 root   anyone may create a course folder, nobody may move another's
      <course_id>/               0755 grader made here, before any student could squat the name
        outbound/                0755 grader released assignments, read by all
        inbound/                 3733 grader students drop submissions in, cannot list, rename or read others'
        feedback/                0711 grader feedback under unguessable names
"""
from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

from grucourse.course import Course
from grucourse.hub.settings import HubSettings

EXCHANGE_ROOT_MODE = 0o1777
EXCHANGE_MODES = {"": 0o755, "outbound": 0o755, "inbound": 0o3733, "feedback": 0o711}
AUTH_PLUGIN = "nbgrader.auth.JupyterHubAuthPlugin"
HUB_BLOCK = "# --- JupyterHub (written by grucourse hub, docs/hub.md) ---"

DISABLED_PANELS = {
    "student": ("formgrader", "course-list", "create-assignment"),
    "instructor": ("formgrader", "create-assignment"),  # they reach formgrader through the course list
    "grader": ("assignment-list", "course-list"),
}
"""nbgrader's JupyterLab plugins each role does not get (nbgrader's table for separate formgraders)."""


def _mkdir(path: Path, mode: int, owner: str | None = None) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    if owner is not None:
        entry = pwd.getpwnam(owner)
        os.chown(path, entry.pw_uid, entry.pw_gid)
    os.chmod(path, mode)  # after mkdir: the umask would drop bits, and mkdir ignores the sticky bit
    return path


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    os.chmod(path, 0o644)


def exchange_settings(settings: HubSettings) -> str:
    """nbgrader settings every account shares: the exchange, one folder per course in it, and the
    hub's groups deciding who is in which course."""
    return "\n".join([
        f"c.Exchange.root = {str(settings.exchange)!r}",
        "c.Exchange.path_includes_course = True",
        f"c.Authenticator.plugin_class = {AUTH_PLUGIN!r}",
        "",
    ])


def write_jupyter_config(settings: HubSettings) -> None:
    """The central configuration: nbgrader's for all, the JupyterLab panels per role."""
    common = _mkdir(settings.jupyter_dir("common"), 0o755)
    _write(common / "nbgrader_config.py", "\n".join([
        '"""nbgrader configuration of every account of this hub, written by `grucourse hub`."""',
        "c = get_config()  # noqa: F821",
        f"c.CourseDirectory.course_id = {settings.course_id!r}",
        "c.ExchangeSubmit.add_random_string = True  # submission names nobody can guess",
        "c.ExchangeFactory.submit = 'grucourse.hub.exchange.PrivateSubmit'  # and nobody else can read",
        exchange_settings(settings),
    ]))
    for role, panels in DISABLED_PANELS.items():
        labconfig = _mkdir(settings.jupyter_dir(role) / "labconfig", 0o755)
        os.chmod(labconfig.parent, 0o755)
        disabled = {f"@jupyter/nbgrader:{panel}": True for panel in panels}
        _write(labconfig / "page_config.json", json.dumps({"disabledExtensions": disabled}, indent=1))


def install_course(settings: HubSettings, origin: Path | None) -> Course:
    """Copy the course for the grader account: the hub's exchange in its nbgrader_config.py, the
    assignments and students in its gradebook, every file the grader's and closed to others."""
    from grucourse.pipeline.course_copy import copy_course
    from grucourse.pipeline.nbgrader_app import register_assignments

    _mkdir(settings.course_dir.parent, 0o755)
    course = copy_course(settings.course_dir, origin)
    config = course.root / "nbgrader_config.py"
    text = config.read_text(encoding="utf-8")
    if HUB_BLOCK not in text:
        config.write_text(f"{text.rstrip()}\n\n{HUB_BLOCK}\n{exchange_settings(settings)}", encoding="utf-8")
    register_assignments(course, list(settings.assignments))
    _add_students(course, settings.students)
    entry = pwd.getpwnam(settings.grader)
    for path in (course.root, *course.root.rglob("*")):
        os.lchown(path, entry.pw_uid, entry.pw_gid)
    os.chmod(course.root, 0o700)
    return course


def _add_students(course: Course, students: tuple[str, ...]) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url) as gradebook:
        for student in students:
            gradebook.update_or_create_student(student)


def prepare_exchange(settings: HubSettings) -> None:
    """The exchange with the course's folders made by the grader account, before the hub opens."""
    _mkdir(settings.exchange, EXCHANGE_ROOT_MODE)
    course = settings.exchange / settings.course_id
    for name, mode in EXCHANGE_MODES.items():
        _mkdir(course / name, mode, settings.grader)


def grader_env(settings: HubSettings) -> dict[str, str]:
    """Environment of a process run as the grader account: its own home, the central config."""
    entry = pwd.getpwnam(settings.grader)
    return {**os.environ, "HOME": entry.pw_dir, "USER": settings.grader, "LOGNAME": settings.grader,
            "JUPYTER_CONFIG_PATH": str(settings.jupyter_dir("common"))}


def release(settings: HubSettings) -> None:
    """`nbgrader release_assignment` of each assignment, run as the grader account in the course
    directory, so the released files are the grader's."""
    for assignment in settings.assignments:
        done = subprocess.run(
            [sys.executable, "-m", "nbgrader", "release_assignment", assignment, "--force"],
            cwd=settings.course_dir, env=grader_env(settings), user=settings.grader, group=settings.grader,
            extra_groups=[], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"nbgrader release_assignment {assignment} failed:\n{done.stdout[-3000:]}")


def prepare(settings: HubSettings, origin: Path | None) -> None:
    """Every file the hub needs; the accounts must exist already."""
    _mkdir(settings.root, 0o755)
    _mkdir(settings.state, 0o700)
    write_jupyter_config(settings)
    install_course(settings, origin)
    prepare_exchange(settings)
    release(settings)
    settings.save()
    settings.config_file.write_text(
        f"from grucourse.hub.config import configure\n\nconfigure(c, {str(settings.state / 'settings.json')!r})  # noqa: F821\n",
        encoding="utf-8")


def remove_files(settings: HubSettings) -> None:
    """Delete the hub's folder and exchange (tests; `grucourse hub --remove`)."""
    for path in (settings.root, settings.exchange):
        shutil.rmtree(path, ignore_errors=True)
