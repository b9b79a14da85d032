"""A throw-away copy of the course for hostile and broken-input runs, and the probes that decide
whether an attack did harm: file digests, leftover processes, network hits, leaked secrets.

Everything the judge must protect lives in the copy, so an attack that gets through can only
damage a temporary directory (and shows up as a failed test).
"""
from __future__ import annotations

import contextlib
import copy
import hashlib
import os
import shutil
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import psutil

from grucourse.course import Course

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENT = "gru_gates"
# Directories the grader itself writes; everything else in the course must stay byte-identical.
GRADER_OUTPUT = ("autograded", "feedback", ".judge_cache", "reports")


def copy_course(dest: Path, assignments: tuple[str, ...] = (ASSIGNMENT,)) -> Course:
    """source/, release/, grading_tests/ and nbgrader_config.py of the repository, for `assignments`."""
    dest.mkdir(parents=True, exist_ok=True)
    for top in ("source", "release", "grading_tests"):
        for assignment in assignments:
            if (REPO / top / assignment).is_dir():
                shutil.copytree(REPO / top / assignment, dest / top / assignment,
                                ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    for name in ("nbgrader_config.py",):
        if (REPO / name).is_file():
            shutil.copy2(REPO / name, dest / name)
    return Course.at(dest)


def release_notebook(course: Course, assignment: str = ASSIGNMENT) -> nbformat.NotebookNode:
    return nbformat.read(course.release_notebook(assignment), as_version=4)


def solution_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if c.cell_type == "code" and c.get("metadata", {}).get("nbgrader", {}).get("solution")]


def with_code(nb: nbformat.NotebookNode, code: str, placement: str = "last") -> nbformat.NotebookNode:
    """A copy of `nb` whose first, last or every solution cell holds `code`."""
    nb = copy.deepcopy(nb)
    cells = solution_cells(nb)
    targets = {"first": cells[:1], "last": cells[-1:], "all": cells}[placement]
    for cell in targets:
        cell.source = code
    return nb


def submit(course: Course, student: str, content: nbformat.NotebookNode | bytes,
           assignment: str = ASSIGNMENT, filename: str | None = None) -> Path:
    """Writes a submission in nbgrader's layout (`filename` defaults to the assignment's name)."""
    path = course.submitted / student / assignment / (filename or f"{assignment}.ipynb")
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        nbformat.write(content, path)
    return path


def tree_digest(root: Path, skip: tuple[str, ...] = GRADER_OUTPUT) -> dict[str, str]:
    """sha256 of every file under `root` except the top-level entries named in `skip`."""
    digest = {}
    for dirpath, _dirnames, filenames in os.walk(root):
        rel = Path(dirpath).relative_to(root)
        if rel.parts and rel.parts[0] in skip:
            continue
        for name in filenames:
            if not rel.parts and name in skip:
                continue
            path = Path(dirpath) / name
            digest[str(rel / name)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


def digest_changes(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Human-readable differences between two `tree_digest`s."""
    changes = [f"deleted {p}" for p in before if p not in after]
    changes += [f"created {p}" for p in after if p not in before]
    changes += [f"modified {p}" for p in before if p in after and before[p] != after[p]]
    return sorted(changes)


def mark_for(token: str, attack_name: str) -> str:
    """The token an attack puts into the names of every file and process it creates."""
    return f"gruatk{token}{attack_name.replace('_', '')}end"


def marked_processes(mark: str) -> list[psutil.Process]:
    """Live processes whose command line carries `mark` (every process an attack starts does)."""
    found = []
    for proc in psutil.process_iter(["cmdline", "status"]):
        try:
            if proc.info["status"] != psutil.STATUS_ZOMBIE and mark in " ".join(proc.info["cmdline"] or ()):
                found.append(proc)
        except (psutil.Error, TypeError):
            continue
    return found


def kill_all(processes: list[psutil.Process]) -> None:
    """Clean up after a failed containment, so one broken run does not poison the machine."""
    for proc in processes:
        with contextlib.suppress(psutil.Error):
            proc.kill()


def descendants_of_this_process() -> list[psutil.Process]:
    """Live children (recursively) of the test process: graders must reap what they start."""
    return [p for p in psutil.Process().children(recursive=True) if is_alive(p)]


def sandboxed_or_marked(proc: psutil.Process) -> bool:
    """Runs as the sandbox uid or carries an attack's marker (False once it has ended)."""
    try:
        return "gruatk" in " ".join(proc.cmdline()) or proc.uids().real == 65534
    except psutil.Error:
        return False


def describe(proc: psutil.Process) -> str:
    """pid and command line, also for a process that just ended."""
    try:
        return f"{proc.pid} {' '.join(proc.cmdline())[:80]}"
    except psutil.Error:
        return f"{proc.pid} (ended)"


def is_alive(proc: psutil.Process) -> bool:
    try:
        return proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def host_files_with(mark: str, course: Course) -> list[Path]:
    """Files named after `mark` that an escaped attack would have created on the host."""
    places = [Path("/tmp"), Path("/var/tmp"), Path("/dev/shm"), REPO, course.root, course.root.parent,
              *course.submitted.glob("*/*"), *course.submitted.glob("*")]
    return [p / mark for p in places if (p / mark).exists()]


@dataclass
class Listener:
    """A TCP and a UDP socket on 127.0.0.1 that record whatever reaches them."""

    hits: list[str] = field(default_factory=list)

    def __enter__(self) -> Listener:
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.bind(("127.0.0.1", 0))
        self.tcp.listen(16)
        self.port = self.tcp.getsockname()[1]
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", self.port))
        self.tcp.settimeout(0.2)
        self.udp.settimeout(0.2)
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        return self

    def _serve(self) -> None:
        while self.running:
            try:
                conn, addr = self.tcp.accept()
                self.hits.append(f"tcp connection from {addr}")
                conn.close()
            except OSError:
                pass
            try:
                data, addr = self.udp.recvfrom(4096)
                self.hits.append(f"udp datagram from {addr}: {data[:40]!r}")
            except OSError:
                pass

    def __exit__(self, *exc: object) -> None:
        self.running = False
        self.thread.join(timeout=5)
        self.tcp.close()
        self.udp.close()


def seed_gradebook(course: Course, assignment: str = ASSIGNMENT, students: tuple[str, ...] = ()) -> None:
    """A gradebook with rows that must survive every attack (students, the assignment)."""
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url) as gradebook:
        gradebook.update_or_create_assignment(assignment)
        for student in students:
            gradebook.update_or_create_student(student, first_name=student, last_name="Seed")


def wait_until(predicate, timeout: float, step: float = 0.2) -> bool:
    """Polls `predicate` until it is true or `timeout` seconds passed."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())
