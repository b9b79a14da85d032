"""JupyterLab for a course directory, with nbgrader's formgrader and student extensions on.

nbgrader's server extensions read `nbgrader_config.py` from the server's working directory and
refuse to work when the course root is outside the server root, so the server is started *in*
the course directory with that directory as its root. The nbgrader extensions are switched on
explicitly so the course works even where they were never enabled globally, and so is the
project's Content-Security-Policy.
"""
from __future__ import annotations

import ctypes
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import quote

from grucourse.course import Course, load_config_file

PR_SET_PDEATHSIG = 1  # linux/prctl.h

NBGRADER_SERVER_EXTENSIONS = (
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.assignment_list",
    "nbgrader.server_extensions.course_list",
    "nbgrader.server_extensions.validate_assignment",
)

CSP_EXTENSION = "grucourse.csp"
"""A strict Content-Security-Policy on every page (see grucourse/csp.py): student markup that
reaches formgrader's grading page can run no script there."""


def free_port() -> int:
    """A TCP port on localhost nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def lab_argv(course: Course, port: int) -> list[str]:
    """The `jupyter lab` command line serving `course` on localhost.

    The token is passed in the environment (JUPYTER_TOKEN), not here: command lines are
    readable by every user of the machine.
    """
    argv = [
        sys.executable, "-m", "jupyterlab",
        f"--ServerApp.root_dir={course.root}",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.open_browser=False",
        "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
        "--LabApp.news_url=None",
    ]
    argv += [f"--ServerApp.jpserver_extensions={name}=True" for name in (*NBGRADER_SERVER_EXTENSIONS, CSP_EXTENSION)]
    argv += lab_extension_args()
    if os.geteuid() == 0:
        argv.append("--allow-root")
    return argv


LAB_EXTENSIONS = Path(__file__).resolve().parent / "labextension_build"
"""The course's prebuilt JupyterLab extension (grucourse/labextension/README.md), in the layout of
a `share/jupyter/labextensions` folder, as `install.sh` builds it."""


def lab_extension_args() -> list[str]:
    """JupyterLab's arguments that load the course's extension, when it is built: the quiz answer
    widgets everywhere, the Check button on the hub."""
    built = (LAB_EXTENSIONS / "grucourse-lab" / "package.json").is_file()
    return [f"--LabApp.extra_labextensions_path={LAB_EXTENSIONS}"] if built else []


LAB_SETTINGS = Path(__file__).resolve().parent / "lab_settings"
"""A Jupyter config dir whose labconfig/default_setting_overrides.json turns off JupyterLab's
"receive official Jupyter news?" prompt and update check: defaults only, the user's own settings
still win."""


def lab_environment(token: str) -> dict[str, str]:
    """The server's environment: the token, and LAB_SETTINGS first on JUPYTER_CONFIG_PATH."""
    config_path = os.pathsep.join(p for p in (str(LAB_SETTINGS), os.environ.get("JUPYTER_CONFIG_PATH")) if p)
    return {**os.environ, "JUPYTER_TOKEN": token, "JUPYTER_CONFIG_PATH": config_path}


@dataclass(frozen=True)
class LabServer:
    """A running JupyterLab: where it listens and the token that opens it."""

    course: Course
    port: int
    token: str
    process: subprocess.Popen

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "lab") -> str:
        """A URL that logs the browser in with the token, then opens `path`.

        Going through `/login` matters for formgrader: its pages set the login cookie with an
        empty path, so the browser would keep it only for that page's directory and the
        page's own API calls would be sent to the login page instead.
        """
        return f"{self.base_url}/login?next={quote('/' + path.lstrip('/'))}&token={self.token}"


def _wait_until_ready(server: LabServer, timeout: float) -> None:
    """Poll the server's status API until it answers, or fail if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with code {server.process.returncode} before it was ready")
        try:
            request = urllib.request.Request(
                f"{server.base_url}/api/status", headers={"Authorization": f"token {server.token}"}
            )
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise TimeoutError(f"JupyterLab did not answer on port {server.port} within {timeout:.0f} s")


def exchange_root(course: Course) -> Path | None:
    """The exchange directory set by the course's nbgrader_config.py, if it sets one."""
    root = load_config_file(course.root / "nbgrader_config.py").Exchange.get("root")
    return Path(root) if root else None


def _die_with_parent() -> None:
    """Ask Linux to send the server SIGTERM when grucourse dies, even by kill -9, so no orphaned
    server keeps the port and the token alive."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@contextmanager
def running_lab(
    course: Course,
    port: int | None = None,
    token: str | None = None,
    log: IO | None = None,
    timeout: float = 90.0,
) -> Iterator[LabServer]:
    """Start JupyterLab for `course`, wait until it answers, and stop it on exit.

    The exchange directory is created first: formgrader disables its release and collect
    buttons while it is missing, and only `nbgrader release_assignment` would create it.
    """
    if (exchange := exchange_root(course)) is not None:
        exchange.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    token = token or secrets.token_hex(24)
    process = subprocess.Popen(
        lab_argv(course, port),
        cwd=course.root,
        env=lab_environment(token),
        stdout=log,
        stderr=subprocess.STDOUT if log is not None else None,
        start_new_session=True,  # Ctrl+C reaches only us; we stop the server without its y/n prompt
        preexec_fn=_die_with_parent if sys.platform == "linux" else None,
    )
    server = LabServer(course, port, token, process)
    try:
        _wait_until_ready(server, timeout)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def existing_assignment_dirs(course: Course) -> list[str]:
    """Assignments present in `source/`, so the start-up message can say what formgrader will list."""
    if not course.source.is_dir():
        return []
    return sorted(p.name for p in course.source.iterdir() if (p / f"{p.name}.ipynb").is_file())


def describe(server: LabServer) -> str:
    """What the instructor needs to open the course: lab and formgrader URLs with the token."""
    assignments = ", ".join(existing_assignment_dirs(server.course)) or "none yet"
    return "\n".join([
        f"JupyterLab for {server.course.root}",
        f"  Lab:        {server.url('lab')}",
        f"  Formgrader: {server.url('formgrader')}",
        f"  Assignments in source/: {assignments}",
        "Press Ctrl+C to stop.",
    ])


def wait_forever(server: LabServer) -> int:
    """Block until the server stops or the user presses Ctrl+C; return the exit code."""
    try:
        return server.process.wait()
    except KeyboardInterrupt:
        return 0
