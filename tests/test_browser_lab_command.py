"""`grucourse lab` as an instructor runs it: the printed URLs open formgrader, Ctrl+C stops it."""
from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from grucourse.course import ASSIGNMENTS
from grucourse.lab import free_port
from grucourse.pipeline.course_copy import copy_course

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


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
    process = subprocess.Popen(["grucourse", "--course", str(course.root), "lab", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        printed = ""
        for line in process.stdout:
            printed += line
            if "Ctrl+C" in line:
                break
        match = re.search(rf"Formgrader: (http://127\.0\.0\.1:{port}/\S*token=([0-9a-f]+))", printed)
        assert match, f"no formgrader URL on 127.0.0.1:{port} in:\n{printed}"
        token = match.group(2)
        assert "gru_bptt, gru_gates, quiz_introduction, quiz_lstm_vs_gru" in printed
        assert (course.root / "exchange").is_dir(), "the exchange exists, so formgrader can release"
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        command_lines = [Path(f"/proc/{child}/cmdline").read_bytes() for child in children]
        assert command_lines and not any(token.encode() in line for line in command_lines), \
            "the token is not on a command line other users can read"

        status, body = _get(f"http://127.0.0.1:{port}/formgrader/api/assignments", token)
        assert status == 200
        assert sorted(a["name"] for a in json.loads(body)) == sorted(ASSIGNMENTS)
        status, _ = _get(f"http://127.0.0.1:{port}/api/contents")
        assert status == 403, "without the token the server refuses"
        status, _ = _get(match.group(1))
        assert status == 200, "the printed URL logs in and opens formgrader"

        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.1", port)) != 0, "JupyterLab stopped with the command"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
