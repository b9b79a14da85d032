"""Everything one hub of the course is made of, written to its state folder as JSON so that the
generated jupyterhub_config.py, the setup and the tests read the same values."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROLES = ("student", "instructor", "grader")
SETTINGS_FILE = "settings.json"


@dataclass(frozen=True)
class HubSettings:
    """Where the hub keeps its files, who its accounts are and which loopback ports it uses.

    `root` is readable by every account (the students' nbgrader configuration is there);
    `state` (hub database, cookie secret, proxy token) only by root; the course directory only
    by the grader account; the exchange by everyone, with nbgrader's modes.
    """

    root: Path
    course_id: str
    grader: str
    instructors: tuple[str, ...]
    students: tuple[str, ...]
    port: int
    hub_api_port: int
    proxy_api_port: int
    formgrader_port: int
    check_port: int
    exchange: Path
    assignments: tuple[str, ...] = field(default=())
    ip: str = "127.0.0.1"

    @property
    def state(self) -> Path:
        return self.root / "state"

    @property
    def course_dir(self) -> Path:
        return self.root / "courses" / self.course_id

    @property
    def config_file(self) -> Path:
        return self.state / "jupyterhub_config.py"

    @property
    def log_file(self) -> Path:
        return self.state / "jupyterhub.log"

    @property
    def url(self) -> str:
        return f"http://{self.ip}:{self.port}"

    def jupyter_dir(self, role: str) -> Path:
        """Jupyter configuration of one role ("common" holds the nbgrader_config.py all share)."""
        return self.root / "jupyter" / role

    def role_of(self, user: str) -> str:
        return "instructor" if user in self.instructors else "student"

    @property
    def formgrade_group(self) -> str:
        return f"formgrade-{self.course_id}"

    @property
    def student_group(self) -> str:
        return f"nbgrader-{self.course_id}"

    def save(self) -> Path:
        data = {k: str(v) if isinstance(v, Path) else v for k, v in asdict(self).items()}
        target = self.state / SETTINGS_FILE
        target.write_text(json.dumps(data, indent=1), encoding="utf-8")
        return target

    @classmethod
    def load(cls, path: Path) -> HubSettings:
        data = json.loads(path.read_text(encoding="utf-8"))
        data["root"], data["exchange"] = Path(data["root"]), Path(data["exchange"])
        for key in ("instructors", "students", "assignments"):
            data[key] = tuple(data[key])
        return cls(**data)
