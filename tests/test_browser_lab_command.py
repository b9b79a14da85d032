"""`grucourse lab` as an instructor runs it: the printed URLs open formgrader, Ctrl+C stops it."""
from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from course_support import REPO

from grucourse.lab import free_port
from grucourse.pipeline.course_copy import copy_course

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def _start(course_root: Path, port: int) -> tuple[subprocess.Popen, str]:
    """`grucourse lab` in the background; the process and what it printed up to "Ctrl+C"."""
    process = subprocess.Popen(["grucourse", "--course", str(course_root), "lab", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    printed = ""
    for line in process.stdout:
        printed += line
        if "Ctrl+C" in line:
            break
    return process, printed


def _stop(process: subprocess.Popen) -> None:
    """Ctrl+C, as a user would; SIGKILL only if that did not work."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _port_closes(port: int, within: float = 60.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return True
        time.sleep(0.5)
    return False


def _get(url: str, token: str | None = None) -> tuple[int, bytes]:
    headers = {"Authorization": f"token {token}"} if token else {}
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def test_lab_command_serves_formgrader_with_a_token_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    course = copy_course(tmp_path / "course")
    port = free_port()
    process, printed = _start(course.root, port)
    try:
        match = re.search(rf"Formgrader: (http://127\.0\.0\.1:{port}/\S*token=([0-9a-f]+))", printed)
        assert match, f"no formgrader URL on 127.0.0.1:{port} in:\n{printed}"
        token = match.group(2)
        assert "gru_bptt, gru_gates, gru_variants, quiz_introduction, quiz_lstm_vs_gru" in printed
        assert (course.root / "exchange").is_dir(), "the exchange exists, so formgrader can release"
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        command_lines = [Path(f"/proc/{child}/cmdline").read_bytes() for child in children]
        assert command_lines and not any(token.encode() in line for line in command_lines), \
            "the token is not on a command line other users can read"

        status, body = _get(f"http://127.0.0.1:{port}/formgrader/api/assignments", token)
        assert status == 200
        assert sorted(a["name"] for a in json.loads(body)) == REPO.assignments()
        status, body = _get(f"http://127.0.0.1:{port}/lab/api/settings/"
                            "@jupyterlab/apputils-extension:notification", token)
        defaults = json.loads(body)["schema"]["properties"]
        assert status == 200 and defaults["fetchNews"]["default"] == "false", \
            "JupyterLab does not ask the instructor about Jupyter news"
        status, _ = _get(f"http://127.0.0.1:{port}/api/contents")
        assert status == 403, "without the token the server refuses"
        status, _ = _get(match.group(1))
        assert status == 200, "the printed URL logs in and opens formgrader"

        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
        assert _port_closes(port, within=1), "JupyterLab stopped with the command"
    finally:
        _stop(process)


def test_killing_the_lab_command_stops_jupyterlab_too(tmp_path: Path) -> None:
    """kill -9 leaves grucourse no chance to clean up; the server must not outlive it."""
    course = copy_course(tmp_path / "course")
    port = free_port()
    process, printed = _start(course.root, port)
    try:
        assert "Ctrl+C" in printed, printed
        process.kill()
        process.wait()
        assert _port_closes(port), "no orphaned JupyterLab keeps serving the course"
    finally:
        _stop(process)
