"""The hub's configuration, applied by the jupyterhub_config.py that `grucourse hub` writes.

nbgrader's set-up for a class with separate formgraders and JupyterHubAuthPlugin, on JupyterHub 6:
PAM log-in of real accounts, LocalProcessSpawner (each JupyterLab runs as its account), groups
`formgrade-<course>` (instructors) and `nbgrader-<course>` (students), formgrader as a service of
the grader account that only the formgrade group may open, and the instant-check service.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from grucourse.hub.settings import HubSettings
from grucourse.lab import LAB_SETTINGS, lab_extension_args

CHECK_SERVICE = "grucourse-check"
SINGLEUSER = [sys.executable, "-m", "jupyterhub.singleuser"]
EXTENSIONS = {
    "student": {"formgrader": False, "course_list": False, "assignment_list": True, "validate_assignment": True},
    "instructor": {"formgrader": False, "course_list": True, "assignment_list": True, "validate_assignment": True},
    "grader": {"formgrader": True, "course_list": False, "assignment_list": False, "validate_assignment": True},
}
"""nbgrader's server extensions per role, set on the command line so they win over the ones
enabled for the whole installation."""


def extension_args(role: str) -> list[str]:
    args = [f"--ServerApp.jpserver_extensions=nbgrader.server_extensions.{name}={on}"
            for name, on in EXTENSIONS[role].items()]
    if role == "grader":  # formgrader shows student markup: the course's strict page policy
        args.append("--ServerApp.jpserver_extensions=grucourse.csp=True")
    return args + lab_extension_args()


def role_environment(settings: HubSettings, role: str) -> dict[str, str]:
    """JUPYTER_CONFIG_PATH: the central nbgrader configuration, the role's JupyterLab panels and
    the course's JupyterLab defaults (no news prompt)."""
    dirs = (settings.jupyter_dir("common"), settings.jupyter_dir(role), LAB_SETTINGS)
    return {"JUPYTER_CONFIG_PATH": ":".join(str(d) for d in dirs)}


def formgrader_service(settings: HubSettings) -> dict[str, Any]:
    """nbgrader's formgrader as a JupyterHub service named after the course, run by the grader
    account in the course directory (nbgrader finds the course list entry by this name)."""
    return {
        "name": settings.course_id,
        "url": f"http://127.0.0.1:{settings.formgrader_port}",
        "command": [*SINGLEUSER, f"--ServerApp.root_dir={settings.course_dir}", *extension_args("grader")],
        "user": settings.grader,
        "cwd": str(settings.course_dir),
        "environment": role_environment(settings, "grader"),
        "oauth_no_confirm": True,
    }


def check_service(settings: HubSettings) -> dict[str, Any]:
    """The instant-check service (grucourse.hub.check_service): run by the grader account, which
    alone can read grading_tests/; it learns who asks from the hub."""
    return {
        "name": CHECK_SERVICE,
        "url": f"http://127.0.0.1:{settings.check_port}",
        "command": [sys.executable, "-m", "grucourse.hub.check_service"],
        "user": settings.grader,
        "cwd": str(settings.course_dir),
        "environment": {**role_environment(settings, "grader"), "GRUCOURSE_COURSE": str(settings.course_dir),
                        "GRUCOURSE_CHECK_PORT": str(settings.check_port)},
        "oauth_no_confirm": True,
    }


def roles(settings: HubSettings) -> list[dict[str, Any]]:
    """Who may do what through the hub: only the formgrade group opens formgrader; the formgrader
    service reads users and manages the student group (nbgrader adds students it is given)."""
    return [
        {"name": "grucourse-formgrader", "services": [settings.course_id],
         "scopes": ["read:users", "list:users", "groups", "admin:groups", "read:services"]},
        {"name": "grucourse-check", "services": [CHECK_SERVICE], "scopes": ["read:users:name", "read:users:groups"]},
        {"name": "grucourse-instructors", "groups": [settings.formgrade_group],
         "scopes": [f"access:services!service={settings.course_id}", f"access:services!service={CHECK_SERVICE}",
                    "read:services"]},
        {"name": "grucourse-students", "groups": [settings.student_group],
         "scopes": [f"access:services!service={CHECK_SERVICE}"]},
    ]


def server_token_scopes(spawner: Any) -> list[str]:
    """What a JupyterLab's own token may ask the hub: its user's groups (nbgrader's course list)
    and the list of services (where the formgrader of a course is)."""
    return ["users:activity!user", "read:users!user", "read:services"]


def pre_spawn_hook(settings: HubSettings) -> Any:
    def hook(spawner: Any) -> None:
        role = settings.role_of(spawner.user.name)
        spawner.args = extension_args(role)
        spawner.environment = {**spawner.environment, **role_environment(settings, role)}
    return hook


def machine_config(c: Any, settings: HubSettings) -> None:
    """This machine's hub: loopback ports, state files, PAM log-in of the Linux accounts and one
    JupyterLab process per account run as it (The Littlest JupyterHub and Zero to JupyterHub
    bring their own, docs/hub.md)."""
    state = settings.state
    c.JupyterHub.bind_url = settings.url
    c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{settings.hub_api_port}"
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings.proxy_api_port}"
    c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
    c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
    c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
    c.JupyterHub.cleanup_servers = True
    c.JupyterHub.cleanup_proxy = True
    c.JupyterHub.authenticator_class = "pam"
    c.PAMAuthenticator.open_sessions = False
    c.JupyterHub.spawner_class = "localprocess"
    c.Spawner.cmd = SINGLEUSER
    c.Spawner.notebook_dir = "~"


def course_config(c: Any, settings: HubSettings) -> None:
    """The course on any JupyterHub: who may log in, the nbgrader groups, the formgrader and
    check services, the roles, and each role's JupyterLab."""
    # nbgrader asks the hub for the groups of the account its formgrader runs as: the grader is a
    # hub user (as in nbgrader's documentation), one nobody can log in as (no password).
    c.Authenticator.allowed_users = {settings.grader, *settings.instructors, *settings.students}
    c.Authenticator.admin_users = set()
    c.Spawner.default_url = "/lab"
    c.Spawner.start_timeout = 180
    c.Spawner.http_timeout = 180
    c.Spawner.server_token_scopes = server_token_scopes
    c.Spawner.pre_spawn_hook = pre_spawn_hook(settings)
    c.JupyterHub.load_groups = {
        settings.formgrade_group: {"users": [*settings.instructors, settings.grader]},
        settings.student_group: {"users": list(settings.students)},
    }
    c.JupyterHub.services = [formgrader_service(settings), check_service(settings)]
    c.JupyterHub.load_roles = roles(settings)


def configure(c: Any, settings_path: str | Path) -> None:
    """Fill JupyterHub's config object `c` from the hub's settings file."""
    settings = HubSettings.load(Path(settings_path))
    machine_config(c, settings)
    course_config(c, settings)
