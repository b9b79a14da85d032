"""A real JupyterHub (configurable-http-proxy from npm, real Linux accounts) with the instant-check
service, for the service tests and the burst benchmark: users are Linux accounts, their tokens are
issued by the hub's REST API, and every request goes through the hub's proxy."""
from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SERVICE = "grucourse-check"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ensure_account(name: str) -> bool:
    """A Linux account `name` (what the hub's PAM authenticator and spawner use); True if made now."""
    if not subprocess.run(["id", "-u", name], capture_output=True).returncode:
        return False
    subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", name], check=True)
    return True


@dataclass
class Reply:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]


def request(url: str, token: str, data: bytes | None = None, method: str | None = None, timeout: float = 600) -> Reply:
    """One HTTP request with a hub token; the JSON answer whatever its status."""
    req = urllib.request.Request(url, data=data, method=method, headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return Reply(response.status, json.loads(response.read() or b"{}"), {k.lower(): v for k, v in response.headers.items()})
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        try:
            body = json.loads(raw)
        except ValueError:
            body = {"raw": raw.decode("utf-8", "replace")}
        return Reply(exc.code, body, {k.lower(): v for k, v in exc.headers.items()})


@dataclass
class CheckHub:
    url: str
    admin_token: str
    folder: Path
    process: subprocess.Popen[bytes]
    created: list[str] = field(default_factory=list)

    @property
    def service_url(self) -> str:
        return f"{self.url}/services/{SERVICE}/"

    def api(self, path: str, data: Any = None, method: str | None = None) -> Reply:
        payload = None if data is None else json.dumps(data).encode()
        return request(f"{self.url}/hub/api/{path}", self.admin_token, payload, method)

    def user_token(self, name: str) -> str:
        """A hub user (Linux account `name`) and a fresh API token of theirs."""
        if ensure_account(name):
            self.created.append(name)
        if self.api(f"users/{name}").status == 404:
            assert self.api(f"users/{name}", {}, "POST").status == 201
        reply = self.api(f"users/{name}/tokens", {"note": "check tests", "expires_in": 3600}, "POST")
        assert reply.status == 201, reply
        return str(reply.body["token"])

    def check(self, token: str, assignment: str, notebook: bytes) -> Reply:
        return request(f"{self.service_url}api/check/{assignment}", token, notebook, "POST")

    def service_pid(self) -> int:
        """The check service's process (a child of the hub)."""
        for pid in _children(self.process.pid):
            if b"grucourse.hub.check_service" in Path(f"/proc/{pid}/cmdline").read_bytes():
                return pid
        raise LookupError("check service not running")

    def worker_pids(self) -> list[int]:
        """The judge workers: children of the service's fork server."""
        return [pid for server in _children(self.service_pid()) for pid in _children(server)]


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(p) for p in text]
    return found


def hub_config(folder: Path, course: Path, port: int, admin_token: str) -> str:
    check_port, hub_port, proxy_port = free_port(), free_port(), free_port()
    service = {
        "name": SERVICE, "url": f"http://127.0.0.1:{check_port}", "oauth_no_confirm": True,
        "command": [sys.executable, "-m", "grucourse.hub.check_service"],
        "environment": {"GRUCOURSE_COURSE": str(course), "GRUCOURSE_CHECK_PORT": str(check_port),
                        "PATH": os.environ["PATH"]},
    }
    return f"""
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_port}"
c.ConfigurableHTTPProxy.pid_file = {str(folder / 'proxy.pid')!r}
c.JupyterHub.db_url = "sqlite:///{folder / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = {str(folder / 'cookie_secret')!r}
c.JupyterHub.pid_file = {str(folder / 'hub.pid')!r}
c.Authenticator.allow_all = True
c.JupyterHub.services = [{service!r}, {{"name": "admin-api", "api_token": {admin_token!r}}}]
c.JupyterHub.load_roles = [
    {{"name": "user", "scopes": ["self", "access:services!service={SERVICE}"]}},
    {{"name": "admin-api", "scopes": ["admin:users", "tokens", "list:users"], "services": ["admin-api"]}},
]
"""


@contextmanager
def running_check_hub(course: Path, folder: Path, log_name: str = "hub_check.log") -> Iterator[CheckHub]:
    """A hub on a free loopback port serving the check service for `course`; stopped afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    port, admin_token = free_port(), secrets.token_hex(16)
    (folder / "jupyterhub_config.py").write_text(hub_config(folder, course, port, admin_token))
    with open(folder / log_name, "wb") as log:
        process = subprocess.Popen(["jupyterhub", "-f", str(folder / "jupyterhub_config.py")], cwd=folder,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        hub = CheckHub(f"http://127.0.0.1:{port}", admin_token, folder, process)
        try:
            wait_for_service(hub)
            yield hub
        finally:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
                process.wait()
            for name in hub.created:
                subprocess.run(["userdel", "--remove", name], stderr=subprocess.DEVNULL)


def wait_for_service(hub: CheckHub, timeout: float = 120) -> None:
    """Until the check service answers through the proxy (a 403 without a token says it is up)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if hub.process.poll() is not None:
            raise RuntimeError(f"hub exited: {(hub.folder / 'hub_check.log').read_text()[-3000:]}")
        try:
            if request(f"{hub.service_url}api/check/gru_gates", "not-a-token", b"{}", timeout=10).status == 403:
                return
        except OSError:  # the proxy is not listening yet
            pass
        time.sleep(0.5)
    raise TimeoutError("the check service did not come up")
