"""Runs an untrusted command in a bubblewrap sandbox under resource limits.

The sandbox sees a read-only view of only what a Python worker needs (/usr, the Python
installation, a directory with the worker's files), a private size-capped /tmp and work
directory, no network, private pid and IPC namespaces (so killing it leaves no process behind
and no SysV or POSIX IPC object is shared), a user namespace of its own (its own keyrings) and
a seccomp filter (`grucourse.judge.seccomp`), and runs as uid/gid 65534 without capabilities.
rlimits (via `prlimit`) bound CPU time, address space, processes, file size and open files.
The wall-clock limits are enforced by the caller (`Sandbox` only holds their configuration so
that `nbgrader_config.py` can set every limit in one place). Where the sandbox cannot be built
the judge refuses to run student code (`IsolationUnavailable`, which stops the grading run),
unless `require_isolation` is turned off for a trusted machine: then only the rlimits apply,
with a loud warning.
"""
from __future__ import annotations

import contextlib
import functools
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from traitlets import Bool, Float, Int, Unicode, default
from traitlets.config import LoggingConfigurable

from grucourse.course import load_config_file
from grucourse.judge import seccomp
from grucourse.judge.cgroups import Cgroup
from grucourse.judge.errors import GradingSetupError

NOBODY = 65534
ALLOW_UNSANDBOXED_ENV = "GRUCOURSE_ALLOW_UNSANDBOXED"  # "1": the default of require_isolation is False
WORK_DIR = "/work"
PACKAGE_DIR = Path(__file__).resolve().parents[1]  # the grucourse package: never visible to student code


class IsolationUnavailable(GradingSetupError):
    """The sandbox cannot be built on this machine and `require_isolation` is set. A setup
    error: every submission graded here would be affected, so the grading run stops."""


class Sandbox(LoggingConfigurable):
    """Limits of the sandbox in which student code runs (configurable from nbgrader_config.py)."""

    memory_mb = Int(1024, help="address-space limit of the student process (MiB)").tag(config=True)
    cpu_seconds = Int(60, help="CPU-time limit of the student process (s)").tag(config=True)
    cell_timeout = Float(10.0, help="wall-clock limit for one notebook cell (s)").tag(config=True)
    notebook_timeout = Float(60.0, help="wall-clock limit for running all cells (s)").tag(config=True)
    call_timeout = Float(10.0, help="wall-clock limit for one call of a student function (s)").tag(config=True)
    submission_timeout = Float(300.0, help="wall-clock limit for the whole submission, from the start of its "
                                           "first worker: cells, calls and restarts (s)").tag(config=True)
    startup_timeout = Float(30.0, help="wall-clock limit for the worker to start (s)").tag(config=True)
    max_output_bytes = Int(100_000, help="output kept per cell and per stream; the rest is dropped").tag(config=True)
    max_figures_per_cell = Int(10, help="figures shown per cell; the others are closed unseen").tag(config=True)
    max_figure_bytes = Int(1_000_000, help="largest PNG of one figure; a larger one is dropped").tag(config=True)
    max_notebook_figure_bytes = Int(4_000_000, help="PNG bytes of all figures of a notebook").tag(config=True)
    max_processes = Int(64, help="processes per sandbox (pids cgroup; else RLIMIT_NPROC, per user namespace)").tag(config=True)
    max_open_files = Int(256, help="RLIMIT_NOFILE").tag(config=True)
    max_file_mb = Int(64, help="largest file (RLIMIT_FSIZE) and size of each private tmpfs (MiB)").tag(config=True)
    max_restarts = Int(10, help="times a crashed worker is restarted for later checks").tag(config=True)
    require_isolation = Bool(help="refuse to run student code where the sandbox (bubblewrap namespaces, "
                                  "user namespace, seccomp filter) cannot be built; turn off only on a "
                                  "trusted single-user machine (or set GRUCOURSE_ALLOW_UNSANDBOXED=1)").tag(config=True)
    bwrap = Unicode("bwrap", help="the bubblewrap binary: a name looked up on PATH, or a path").tag(config=True)
    use_cgroups = Bool(True, help="also cap each sandbox's total memory and processes with a "
                                  "cgroup when cgroups are writable").tag(config=True)

    @default("require_isolation")
    def _require_isolation_unless_allowed(self) -> bool:
        return os.environ.get(ALLOW_UNSANDBOXED_ENV, "") != "1"

    def spawn(self, argv: list[str], read_only: list[Path], pass_fds: tuple[int, ...], env: dict[str, str]) -> Jail:
        """Starts `argv` in the sandbox, stdout+stderr piped; the `read_only` host paths (and
        nothing else of the host's files but /usr and a few /etc files) appear at the same place."""
        problem = self.check_isolation()
        group = Cgroup.create(self.group_memory_bytes, self.max_processes + 4) if self.use_cgroups else Cgroup()
        # RLIMIT_NPROC counts the processes of a uid in one user namespace (each sandbox has its
        # own); with a per-sandbox pids cgroup it is only a backstop.
        command = self._prlimit(self.max_processes * (8 if group.caps_processes else 1)) + argv
        scratch = None if problem is None else _scratch_dir()
        with contextlib.ExitStack() as stack:
            fds: tuple[int, ...] = ()
            if problem is None:
                command, fds = stack.enter_context(sandbox_command(self.bwrap, read_only, self.max_file_mb, command))
            process = subprocess.Popen(
                group.enter_command() + command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, pass_fds=pass_fds + fds, env=env, start_new_session=True, cwd=scratch,
            )
        return Jail(process, self, group, scratch)

    def check_isolation(self) -> str | None:
        """What keeps the sandbox from being built here (None: nothing); raises
        IsolationUnavailable when that matters, else warns once."""
        problem = isolation_problem(self.bwrap)
        if problem is not None:
            if self.require_isolation:
                raise IsolationUnavailable(refusal(problem))
            _warn_unsandboxed(problem)
        return problem

    def spawn_zygote(self, argv: list[str], read_only: list[Path], pass_fds: tuple[int, ...],
                     env: dict[str, str]) -> Jail:
        """Starts a warm sandbox's zygote (`grucourse.judge.nested`): the same sandbox under the
        filter that lets it nest namespaces, without CPU-time or address-space limits (it runs
        no student code and lives for many children, each of which sets its own limits) and
        without a cgroup (each child gets one). Its output is discarded."""
        command = [shutil.which("prlimit") or "/usr/bin/prlimit", f"--nproc={self.max_processes * 8}",
                   f"--nofile={self.max_open_files}", "--core=0", "--"] + argv
        with sandbox_command(self.bwrap, read_only, self.max_file_mb, command, nesting=True) as (command, fds):
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, pass_fds=pass_fds + fds, env=env,
                                       start_new_session=True)
        return Jail(process, self, Cgroup(), None)

    def child_limits(self, processes: int) -> dict[str, tuple[int, int]]:
        """The rlimits `_prlimit` gives a cold sandbox, for a warm sandbox's child to set itself."""
        return {"as": (self.memory_mb * 2**20,) * 2, "cpu": (self.cpu_seconds, self.cpu_seconds + 1),
                "nproc": (processes,) * 2, "fsize": (self.max_file_mb * 2**20,) * 2,
                "nofile": (self.max_open_files,) * 2, "core": (0, 0)}

    @property
    def group_memory_bytes(self) -> int:
        """All processes of one sandbox together, its tmpfs files included: one process's
        limit plus both tmpfs and some slack, so a single process hits MemoryError first."""
        return (self.memory_mb + 2 * self.max_file_mb + 128) * 2**20

    def _prlimit(self, processes: int) -> list[str]:
        return [
            shutil.which("prlimit") or "/usr/bin/prlimit",
            f"--as={self.memory_mb * 2**20}", f"--cpu={self.cpu_seconds}:{self.cpu_seconds + 1}", f"--nproc={processes}",
            f"--fsize={self.max_file_mb * 2**20}", f"--nofile={self.max_open_files}", "--core=0", "--",
        ]


class Jail:
    """A running sandboxed process; `kill` takes down its whole pid namespace."""

    def __init__(self, process: subprocess.Popen, sandbox: Sandbox, group: Cgroup, scratch: str | None) -> None:
        self.process = process
        self.sandbox = sandbox
        self.group = group
        self.scratch = scratch

    @property
    def output_fd(self) -> int:
        assert self.process.stdout is not None
        return self.process.stdout.fileno()

    def kill(self) -> None:
        """SIGKILL to bwrap and to every process left in its pid namespace, and waits until
        they are gone: the kernel's own teardown of the namespace is asynchronous."""
        namespace = _pid_namespace_of_child(self.process.pid)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        if namespace:
            _kill_namespace(namespace)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.group.remove()
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)

    def exit_reason(self) -> str:
        """Which limit (if any) ended the process, for the instructor log and the student."""
        code = self.process.poll()
        return exit_reason(code, self.sandbox, self.group)


def exit_reason(code: int | None, sandbox: Sandbox, group: Cgroup) -> str:
    """Which limit (if any) ended a sandboxed process with exit `code` (None: still running)."""
    if code is None:
        return "it closed its connection"
    if code in (-signal.SIGXCPU, 128 + signal.SIGXCPU):
        return f"CPU time limit ({sandbox.cpu_seconds} s) exceeded"
    if code in (-signal.SIGXFSZ, 128 + signal.SIGXFSZ):
        return f"file size limit ({sandbox.max_file_mb} MiB) exceeded"
    if code in (-signal.SIGKILL, 128 + signal.SIGKILL) and group.memory_exhausted():
        return f"memory limit of the sandbox ({sandbox.group_memory_bytes // 2**20} MiB, all processes) exceeded"
    if code < 0 or code > 128:
        number = -code if code < 0 else code - 128
        return f"killed by signal {signal.Signals(number).name if number in signal.valid_signals() else number}"
    return f"exited with status {code}"


def course_sandbox(config_file: Path) -> Sandbox:
    """The sandbox limits a course's nbgrader_config.py sets (defaults where it sets none), so
    class grading and plain `nbgrader autograde` use the same limits."""
    return Sandbox(config=load_config_file(config_file))


def _pid_namespace_of_child(pid: int) -> str | None:
    """The pid namespace of bwrap's child (the sandbox's pid 1), if it is running."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        namespace = os.readlink(f"/proc/{children[0]}/ns/pid") if children else None
    except (OSError, IndexError):
        return None
    return namespace if namespace != os.readlink("/proc/self/ns/pid") else None


def _kill_namespace(namespace: str, timeout: float = 10.0) -> None:
    """SIGKILLs every process in `namespace` until none is left (or the timeout passes)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        members = []
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    if os.readlink(f"/proc/{entry.name}/ns/pid") == namespace and not _is_zombie(entry.name):
                        members.append(int(entry.name))
                except OSError:
                    continue
        if not members:
            return
        for pid in members:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.01)


def _is_zombie(pid: str) -> bool:
    """Dead, waiting to be reaped by whoever inherited it (harmless)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"


def _bind_parents(path: Path) -> list[str]:
    """Traversable (0755) stand-ins for the parents of `path`, e.g. /root (0700 on the host)."""
    args: list[str] = []
    for parent in reversed(path.parents):
        if str(parent) not in ("/", "/usr") and not str(parent).startswith("/usr/"):
            args += ["--perms", "0755", "--dir", str(parent)]
    return args


def bubblewrap_prefix(read_only: list[Path], tmpfs_mb: int, bwrap: str = "bwrap") -> list[str]:
    """The bwrap command line up to (not including) the sandboxed command, without the user
    namespace and seccomp filter `sandbox_command` adds (when not root, bwrap makes the user
    namespace itself). bwrap's --dev gives a private /dev whose /dev/shm only root may write."""
    args = [bwrap, "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--new-session", "--hostname", "sandbox", "--ro-bind", "/usr", "/usr"]
    if os.geteuid() != 0:
        args += ["--unshare-user", "--uid", str(NOBODY), "--gid", str(NOBODY)]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    for name in ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime"):
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    size = str(tmpfs_mb * 2**20)
    args += ["--proc", "/proc", "--dev", "/dev",
             "--perms", "1777", "--size", size, "--tmpfs", "/tmp",
             "--perms", "1777", "--size", size, "--tmpfs", WORK_DIR]
    bound = _outermost(read_only)
    for path in bound:  # after the tmpfs mounts: a path may lie under /tmp
        args += _bind_parents(path) + ["--ro-bind", str(path), str(path)]
    if any(PACKAGE_DIR.is_relative_to(path) for path in bound):
        # A regular (non-editable) install puts this package, reference solutions included,
        # inside the bound site-packages: an empty tmpfs hides it from student code.
        args += ["--tmpfs", str(PACKAGE_DIR)]
    return args + ["--chdir", WORK_DIR, "--"]


def _outermost(paths: list[Path]) -> list[Path]:
    """Resolved paths not already inside /usr or another path of the list."""
    resolved = sorted({Path(os.path.realpath(p)) for p in paths})
    kept: list[Path] = []
    for path in resolved:
        if path.is_relative_to("/usr") or any(path.is_relative_to(k) for k in kept):
            continue
        kept.append(path)
    return kept


@contextlib.contextmanager
def sandbox_command(bwrap: str, read_only: list[Path], tmpfs_mb: int, argv: list[str],
                    nesting: bool = False) -> Iterator[tuple[list[str], tuple[int, ...]]]:
    """The whole command that runs `argv` in a sandbox, and the fds bwrap must inherit: the
    seccomp program and (when root) the sandbox's user namespace. They are closed on exit,
    once the caller has started bwrap."""
    prefix = bubblewrap_prefix(read_only, tmpfs_mb, bwrap)
    fds = [seccomp.program_fd(nesting)]
    options = ["--seccomp", str(fds[0])]
    try:
        if os.geteuid() == 0:
            fds.append(_user_namespace())
            options += ["--userns", str(fds[1])]
        yield prefix[:1] + options + prefix[1:] + _drop_privileges() + argv, tuple(fds)
    finally:
        for fd in fds:
            os.close(fd)


def _user_namespace() -> int:
    """A new user namespace for one sandbox, as an fd for `bwrap --userns`: uid and gid 0 and
    65534 mapped to themselves, so bwrap (root) can still bind a Python installed under /root
    and the student runs as the host's 65534, yet with keyrings and process counts of its own.
    (bwrap's --unshare-user, run as root, would map the sandbox user to the host's root.)"""
    unshare = shutil.which("unshare") or "/usr/bin/unshare"
    holder = subprocess.Popen([unshare, "--user", "--", "/bin/sh", "-c", "echo; read line"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert holder.stdin is not None and holder.stdout is not None
    try:
        if not holder.stdout.readline():  # the shell runs once the namespace exists
            raise OSError(f"unshare --user failed (status {holder.wait()})")
        for name in ("uid_map", "gid_map"):
            Path(f"/proc/{holder.pid}/{name}").write_text(f"0 0 1\n{NOBODY} {NOBODY} 1\n")
        return os.open(f"/proc/{holder.pid}/ns/user", os.O_RDONLY)
    finally:
        holder.stdin.close()
        holder.stdout.close()
        holder.wait()


def _drop_privileges() -> list[str]:
    """As root, bwrap hands its command every capability of the sandbox's user namespace:
    setpriv gives them up and switches to 65534 before anything of the student's runs."""
    if os.geteuid() != 0:
        return []
    return [shutil.which("setpriv") or "/usr/bin/setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}",
            "--clear-groups", "--no-new-privs", "--bounding-set=-all", "--inh-caps=-all"]


@functools.cache
def isolation_problem(bwrap: str = "bwrap") -> str | None:
    """What keeps the sandbox from being built here (None: nothing), checked once per process
    by building one with every part of it: namespaces, user namespace, seccomp filter."""
    if shutil.which(bwrap) is None:
        return f"bubblewrap ({bwrap!r}) is not installed or not on PATH"
    try:
        seccomp.program()
    except (ImportError, OSError) as exc:
        return f"no seccomp filter: libseccomp cannot be used ({type(exc).__name__}: {exc})"
    try:
        with sandbox_command(bwrap, [Path(sys.base_prefix)], 1, ["/bin/true"]) as (probe, fds):
            out = subprocess.run(probe, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30,
                                 pass_fds=fds)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"the sandbox's user namespace cannot be made ({type(exc).__name__}: {exc})"
    if out.returncode != 0:
        return f"bubblewrap cannot build the sandbox here: {(out.stderr.strip() or f'status {out.returncode}')[:300]}"
    return None


def isolation_available(bwrap: str = "bwrap") -> bool:
    """Whether the full sandbox can be built here."""
    return isolation_problem(bwrap) is None


@functools.cache
def _warn_unsandboxed(problem: str) -> None:
    """Once per process, on a logger that reaches the terminal from Dask workers and nbgrader."""
    logging.getLogger(__name__).warning(
        "SANDBOX UNAVAILABLE on %s (%s): running student code with rlimits only, NOT isolated "
        "(Sandbox.require_isolation is off)", this_worker(), problem)


def refusal(problem: str) -> str:
    """The error that stops grading on a machine without the sandbox: which machine, what is
    missing, and how a trusted single-user machine may opt out."""
    return (f"REFUSING TO RUN STUDENT CODE WITHOUT THE SANDBOX on {this_worker()}: {problem}. Install "
            "bubblewrap (and libseccomp) and allow user namespaces there; on a trusted single-user machine only, "
            f"opt out with c.Sandbox.require_isolation = False in nbgrader_config.py or {ALLOW_UNSANDBOXED_ENV}=1")


def this_worker() -> str:
    """Host, pid and, inside a Dask worker, its address: the machine an instructor must fix."""
    where = f"host {socket.gethostname()} pid {os.getpid()}"
    if "distributed" in sys.modules:
        from distributed import get_worker

        with contextlib.suppress(ValueError):  # not running inside a worker
            worker = get_worker()
            where += f" (Dask worker {worker.address}, named {worker.name})"
    return where


def _scratch_dir() -> str:
    """A fresh work directory per process when there is no sandbox to provide one."""
    return tempfile.mkdtemp(prefix="grucourse-nosandbox-")
