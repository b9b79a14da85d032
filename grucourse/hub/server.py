"""Run JupyterHub (with configurable-http-proxy from npm) on a prepared hub folder."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from grucourse.hub.settings import HubSettings
from grucourse.lab import _die_with_parent

PROXY = "configurable-http-proxy"


class HubError(RuntimeError):
    """The hub did not come up; the message names its log."""


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _wait(ready: Callable[[], bool], process: subprocess.Popen, what: str, settings: HubSettings,
          timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if process.poll() is not None:
            raise HubError(f"JupyterHub exited with code {process.returncode}; see {settings.log_file}")
        if time.monotonic() > deadline:
            raise HubError(f"{what} did not answer within {timeout:.0f} s; see {settings.log_file}")
        time.sleep(0.5)


def start(settings: HubSettings) -> subprocess.Popen:
    if shutil.which(PROXY) is None:
        raise HubError(f"{PROXY} is not installed: npm install -g configurable-http-proxy@5.3.0 (install.sh does)")
    with open(settings.log_file, "ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(settings.config_file)],
            cwd=settings.state, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=_die_with_parent,
        )


def stop(process: subprocess.Popen, timeout: float = 60.0) -> None:
    """SIGTERM: the hub stops the servers and services it started and its proxy, then exits."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def running_hub(settings: HubSettings, timeout: float = 180.0) -> Iterator[subprocess.Popen]:
    """The hub, answering on its URL with formgrader's service listening; stopped on exit."""
    process = start(settings)
    try:
        _wait(lambda: _answers(f"{settings.url}/hub/api/"), process, "JupyterHub", settings, timeout)
        _wait(lambda: _listening(settings.formgrader_port), process, "formgrader's service", settings, timeout)
        yield process
    finally:
        stop(process)
