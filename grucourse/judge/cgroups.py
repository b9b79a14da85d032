"""Per-sandbox control groups: a total memory cap and a process cap for one sandbox.

rlimits are per process (RLIMIT_AS) or per uid (RLIMIT_NPROC, shared by every sandbox since
all run as uid 65534): forked children could together use far more memory than one process
may, and a fork bomb in one sandbox could starve another of processes. Where the cgroup v1
`memory` and `pids` hierarchies (or cgroup v2 with those controllers) are writable, each
sandbox gets its own group; elsewhere this is skipped and the rlimits remain the bounds.
"""
from __future__ import annotations

import contextlib
import itertools
import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
_COUNTER = itertools.count()


_JANITOR: dict[int, subprocess.Popen] = {}
_JANITOR_SCRIPT = """
while kill -0 {pid} 2>/dev/null; do sleep 0.5; done
for attempt in $(seq 80); do
    left=0
    for group in {root}/grucourse-{pid}-* {root}/*/grucourse-{pid}-*; do
        [ -d "$group" ] && {{ rmdir "$group" 2>/dev/null || left=1; }}
    done
    [ $left = 0 ] && exit 0
    sleep 0.25
done
"""


def _start_janitor() -> None:
    """Once per grading process: a small shell that outlives it only to remove its groups,
    because a grader killed with SIGKILL cannot (its sandboxes die with it, via bwrap)."""
    if os.getpid() in _JANITOR:
        return
    _sweep_orphans()
    _JANITOR[os.getpid()] = subprocess.Popen(
        ["/bin/sh", "-c", _JANITOR_SCRIPT.format(pid=os.getpid(), root=ROOT)], stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def _sweep_orphans() -> None:
    """Removes empty groups left by dead grading processes whose janitor did not run."""
    for group in [*ROOT.glob("grucourse-*-*"), *ROOT.glob("*/grucourse-*-*")]:
        owner = group.name.split("-")[1]
        if owner.isdigit() and not Path(f"/proc/{owner}").exists():
            with contextlib.suppress(OSError):
                group.rmdir()


def _writable(directory: Path) -> bool:
    return directory.is_dir() and os.access(directory, os.W_OK)


def _v2_controllers() -> set[str]:
    try:
        return set((ROOT / "cgroup.subtree_control").read_text().split())
    except OSError:
        return set()


@dataclass
class Cgroup:
    """The group directories of one sandbox (one per v1 hierarchy, or one v2 group)."""

    directories: list[Path] = field(default_factory=list)
    memory_file: Path | None = None
    caps_processes: bool = False

    @classmethod
    def create(cls, memory_bytes: int, max_processes: int) -> Cgroup:
        """A new group with these caps; an empty one (no effect) when cgroups are not writable."""
        name = f"grucourse-{os.getpid()}-{next(_COUNTER)}"
        group = cls()
        _start_janitor()
        try:
            if {"memory", "pids"} <= _v2_controllers() and _writable(ROOT):
                directory = group._make(ROOT / name)
                (directory / "memory.max").write_text(str(memory_bytes))
                (directory / "pids.max").write_text(str(max_processes))
                group.memory_file = directory / "memory.events"
                group.caps_processes = True
            else:
                if _writable(ROOT / "memory"):
                    directory = group._make(ROOT / "memory" / name)
                    (directory / "memory.limit_in_bytes").write_text(str(memory_bytes))
                    group.memory_file = directory / "memory.failcnt"
                if _writable(ROOT / "pids"):
                    (group._make(ROOT / "pids" / name) / "pids.max").write_text(str(max_processes))
                    group.caps_processes = True
        except OSError:
            group.remove()
            return cls()
        return group

    def _make(self, directory: Path) -> Path:
        directory.mkdir()
        self.directories.append(directory)
        return directory

    def enter_command(self) -> list[str]:
        """A prefix that moves the command's process into the group before it execs."""
        if not self.directories:
            return []
        procs = " ".join(f"'{d}/cgroup.procs'" for d in self.directories)
        return ["/bin/sh", "-c", f'for f in {procs}; do echo $$ > "$f" || exit 125; done; exec "$@"', "cgroup-enter"]

    def add(self, pid: int) -> None:
        """Moves a running process (and its later children) into the group."""
        for directory in self.directories:
            (directory / "cgroup.procs").write_text(str(pid))

    def memory_exhausted(self) -> bool:
        """Whether the group's memory cap was hit (the kernel then kills inside the group)."""
        try:
            text = self.memory_file.read_text() if self.memory_file else ""
        except OSError:
            return False
        if self.memory_file and self.memory_file.name == "memory.failcnt":
            return text.strip() not in ("", "0")
        counts = dict(line.split() for line in text.splitlines() if len(line.split()) == 2)
        return counts.get("oom_kill", "0") != "0" or counts.get("max", "0") != "0"

    def remove(self) -> None:
        """Removes the directories once the processes in them are gone (retrying briefly)."""
        for directory in reversed(self.directories):
            for _ in range(50):
                try:
                    directory.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)
        self.directories = []
