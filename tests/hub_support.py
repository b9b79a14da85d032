"""The course on a real JupyterHub for tests: unique accounts (gcs<random>_*), a hub on free
loopback ports, and a client that logs in as a person like a browser does. Everything made is
removed afterwards (accounts, homes, processes, files); the hub's log goes to test-artifacts/.
Needs root (useradd, PAM, setuid spawning)."""
from __future__ import annotations

import json
import os
import secrets
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from grucourse.hub.provision import make_settings, people, provision, teardown
from grucourse.hub.server import running_hub
from grucourse.hub.settings import HubSettings

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@dataclass(frozen=True)
class Hub:
    """A running hub of the course and the passwords of its people."""

    settings: HubSettings
    passwords: dict[str, str]

    @property
    def instructor(self) -> str:
        return self.settings.instructors[0]

    @property
    def students(self) -> tuple[str, ...]:
        return self.settings.students

    def client(self, user: str) -> HubUser:
        return HubUser(self, user)


@contextmanager
def course_hub(assignments: tuple[str, ...] = ("gru_gates",), students: int = 2) -> Iterator[Hub]:
    """Provision accounts and files, run the hub, and remove all of it afterwards."""
    if os.geteuid() != 0:
        pytest.skip("the hub creates Linux accounts: run as root")
    tag = "gcs" + secrets.token_hex(3)
    root = Path(tempfile.mkdtemp(prefix=f"{tag}_", dir="/tmp"))
    os.chmod(root, 0o755)  # every account reads the hub's central configuration below it
    settings = make_settings(root, "gru_course", f"{tag}_grader", [f"{tag}_inst"],
                             [f"{tag}_s{i}" for i in range(1, students + 1)], list(assignments))
    accounts = people(settings, {})
    try:
        provision(settings, accounts)
        with running_hub(settings):
            yield Hub(settings, {a.name: a.password or "" for a in accounts})
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        if settings.log_file.is_file():
            shutil.copy(settings.log_file, ARTIFACTS / f"hub_{tag}.log")
        teardown(settings)


class HubUser:
    """One person's HTTP session with the hub and their own JupyterLab (the browser's cookies)."""

    def __init__(self, hub: Hub, name: str) -> None:
        self.hub, self.name = hub, name
        self.session = requests.Session()

    @property
    def server(self) -> str:
        return f"{self.hub.settings.url}/user/{self.name}"

    def login(self) -> HubUser:
        url = f"{self.hub.settings.url}/hub/login"
        self.session.get(url, timeout=30)
        response = self.session.post(url, data={"username": self.name, "password": self.hub.passwords[self.name],
                                                "_xsrf": self.session.cookies.get("_xsrf", path="/hub/")},
                                     allow_redirects=False, timeout=60)
        assert response.status_code == 302, f"log-in of {self.name} refused: {response.status_code}"
        return self

    def start(self, timeout: float = 240.0) -> HubUser:
        """Spawn the person's JupyterLab and pass the hub's OAuth so its API answers."""
        self.session.get(f"{self.hub.settings.url}/hub/spawn", timeout=timeout)  # the hub starts it, then redirects
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            page = self.session.get(f"{self.server}/lab", timeout=60)  # through the hub's OAuth, as a browser
            if page.status_code == 200 and page.url.startswith(self.server):
                response = self.api("GET", "status")
                if response.status_code == 200:
                    return self
            time.sleep(1)
        raise TimeoutError(f"JupyterLab of {self.name} did not start in {timeout:.0f} s")

    def _xsrf(self) -> dict[str, str]:
        token = next((c.value for c in self.session.cookies if c.name == "_xsrf" and c.path.startswith("/user/")), "")
        return {"X-XSRFToken": token}

    def api(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """A call to this person's JupyterLab server API (`path` after /api/)."""
        return self.session.request(method, f"{self.server}/api/{path}", headers=self._xsrf(), timeout=120, **kwargs)

    def nbgrader(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """A call to nbgrader's handlers in this person's server (assignment list, fetch, submit)."""
        return self.session.request(method, f"{self.server}/{path}", headers=self._xsrf(), timeout=300, **kwargs)

    def run_python(self, code: str, timeout: float = 120.0) -> str:
        """Run `code` in a new kernel of this person's server (as this person) and return its output."""
        import websocket

        kernel = self.api("POST", "kernels", json={"name": "python3"}).json()["id"]
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.session.cookies)
        url = f"{self.server.replace('http', 'ws', 1)}/api/kernels/{kernel}/channels"
        ws = websocket.create_connection(url, cookie=cookies, header=[f"X-XSRFToken: {self._xsrf()['X-XSRFToken']}"],
                                         timeout=timeout)
        try:
            msg_id = uuid.uuid4().hex
            ws.send(json.dumps({
                "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": self.name,
                           "session": uuid.uuid4().hex, "version": "5.3"},
                "parent_header": {}, "metadata": {}, "channel": "shell",
                "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                            "allow_stdin": False, "stop_on_error": True},
            }))
            output = []
            while True:
                message = json.loads(ws.recv())
                if message.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = message["msg_type"]
                if kind == "stream":
                    output.append(message["content"]["text"])
                elif kind == "error":
                    output.append(f"{message['content']['ename']}: {message['content']['evalue']}")
                elif kind == "status" and message["content"]["execution_state"] == "idle":
                    return "".join(output)
        finally:
            ws.close()
            self.api("DELETE", f"kernels/{kernel}")
