"""A warm sandbox: inside bubblewrap, imports numpy and the worker once, then forks one fully
isolated child per notebook run.

Copied into the sandbox next to the worker (as `judge_nested.py`) and started as `python -I -S
judge_nested.py CONTROL_FD SECCOMP_FD MAX_CHARS SITE_DIR...`; standard library only, never
`grucourse`. This process (the zygote) never runs student code and is not dumpable, so a child,
which runs as the same uid, cannot open its memory through /proc. For each request on the
control socket (a JSON of limits and four fds: the two pipes of the worker protocol, the output
pipe and a socket to the grader) it forks:

* A unshares a user, mount, pid, IPC, network and UTS namespace (maps only its uid and gid),
  then forks B and exits with B's status;
* B is pid 1 of the new pid namespace: it mounts a fresh size-capped tmpfs on /tmp and on the
  work directory, tells the grader its pid (SCM_CREDENTIALS: the kernel translates it into the
  grader's pid namespace, so the grader can put B into a cgroup of its own and kill it), waits
  for the grader's go, forks C and reaps until C ends; when B ends, the kernel kills whatever
  is left in the namespace;
* C sets the rlimits, gives up every capability of the new user namespace, loads the same
  seccomp filter as a cold sandbox (stacked on the zygote's, which lacks only `unshare` and
  `mount`) and serves the notebook like a freshly started worker.

The zygote reports A's exit status (`exit N`, 128 + signal when C was killed by one) and then
takes the next request: one child at a time.
"""
from __future__ import annotations

import contextlib
import ctypes
import json
import os
import resource
import signal
import socket
import struct
import sys
from typing import Any

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
MS_NOSUID, MS_NODEV, MS_REC, MS_PRIVATE = 2, 4, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_SECCOMP, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 1, 4, 22, 24, 38
SECCOMP_MODE_FILTER = 2
CAPABILITY_VERSION_3 = 0x20080522
REQUEST_FDS = 4
LIMITS = {"as": resource.RLIMIT_AS, "cpu": resource.RLIMIT_CPU, "nproc": resource.RLIMIT_NPROC,
          "fsize": resource.RLIMIT_FSIZE, "nofile": resource.RLIMIT_NOFILE, "core": resource.RLIMIT_CORE}

libc = ctypes.CDLL(None, use_errno=True)


class _Fprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def _check(result: int, what: str) -> None:
    if result != 0:
        number = ctypes.get_errno()
        raise OSError(number, f"{what}: {os.strerror(number)}")


def _prctl(option: int, value: int = 0) -> int:
    return int(libc.prctl(ctypes.c_int(option), ctypes.c_ulong(value), ctypes.c_ulong(0), ctypes.c_ulong(0),
                          ctypes.c_ulong(0)))


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str | None) -> None:
    _check(libc.mount(source.encode(), target.encode(), fstype.encode() if fstype else None, ctypes.c_ulong(flags),
                      data.encode() if data else None), f"mount {target}")


def _code(status: int) -> int:
    """A wait status as an exit code: 128 + the signal that ended the process, if one did."""
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


def _close_except(keep: set[int]) -> None:
    for fd in map(int, os.listdir("/proc/self/fd")):
        if fd not in keep:
            with contextlib.suppress(OSError):
                os.close(fd)


def _worker(request: dict[str, Any], to_worker: int, from_worker: int, output: int, program: bytes,
            limit: int) -> None:
    """C: the student's process, set up exactly once and then never trusted again."""
    import judge_worker  # type: ignore[import-not-found]

    null = os.open("/dev/null", os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(output, 1)
    os.dup2(output, 2)
    _close_except({0, 1, 2, to_worker, from_worker})
    for module in ("random", "numpy.random"):  # fresh seeds, as a freshly started interpreter has
        if module in sys.modules:
            sys.modules[module].seed()
    for name, value in request["limits"].items():
        resource.setrlimit(LIMITS[name], tuple(value))
    os.chdir(request["work_dir"])
    capability = 0
    while _prctl(PR_CAPBSET_DROP, capability) == 0:
        capability += 1
    _check(libc.capset(ctypes.byref(_CapHeader(CAPABILITY_VERSION_3, 0)), (_CapData * 2)()), "capset")
    _check(_prctl(PR_SET_NO_NEW_PRIVS, 1), "no_new_privs")
    code = ctypes.create_string_buffer(program, len(program))
    prog = _Fprog(len(program) // 8, ctypes.addressof(code))
    _check(int(libc.prctl(ctypes.c_int(PR_SET_SECCOMP), ctypes.c_ulong(SECCOMP_MODE_FILTER), ctypes.byref(prog),
                          ctypes.c_ulong(0), ctypes.c_ulong(0))), "seccomp")
    judge_worker.serve(judge_worker.Connection(to_worker, from_worker), limit)


def _init(request: dict[str, Any], fds: list[int], program: bytes, limit: int) -> None:
    """B: pid 1 of the child's namespaces: private tmpfs mounts, a word with the grader, then C."""
    to_worker, from_worker, output, grader = fds
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    _mount("none", "/", None, MS_REC | MS_PRIVATE, None)
    for target in ("/tmp", request["work_dir"]):
        _mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, f"size={int(request['tmpfs_bytes'])},mode=1777")
    channel = socket.socket(fileno=grader)
    channel.sendmsg([b"init"], [(socket.SOL_SOCKET, socket.SCM_CREDENTIALS,
                                 struct.pack("3i", os.getpid(), os.getuid(), os.getgid()))])
    if channel.recv(1) != b"g":
        os._exit(125)
    channel.close()
    worker = os.fork()
    if worker == 0:
        try:
            _worker(request, to_worker, from_worker, output, program, limit)
        finally:
            os._exit(0)
    for fd in (to_worker, from_worker, output):
        os.close(fd)
    while True:
        pid, status = os.waitpid(-1, 0)
        if pid == worker:
            os._exit(_code(status))


def _child(request: dict[str, Any], fds: list[int], program: bytes, limit: int) -> None:
    """A: new namespaces, B inside them, B's status as its own."""
    _prctl(PR_SET_DUMPABLE, 1)  # its own /proc files must be its own to write the id maps
    uid, gid = os.geteuid(), os.getegid()
    _check(libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWUTS),
           "unshare")
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
        with open(f"/proc/self/{name}", "w") as handle:
            handle.write(text)
    init = os.fork()
    if init == 0:
        try:
            _init(request, fds, program, limit)
        finally:
            os._exit(124)
    for fd in fds:
        os.close(fd)
    os._exit(_code(os.waitpid(init, 0)[1]))


def main(argv: list[str]) -> None:
    control = socket.socket(fileno=int(argv[1]))
    with os.fdopen(int(argv[2]), "rb") as source:
        program = source.read()
    limit = int(argv[3])
    sys.path.extend(argv[4:])
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import judge_worker  # noqa: F401  (numpy and the worker, once for every child)
    import numpy.random  # noqa: F401  (lazily imported by numpy, on first use: ~10 ms of every child's CPU)

    _prctl(PR_SET_DUMPABLE, 0)
    control.send(b"ready")
    while True:
        message, fds, _, _ = socket.recv_fds(control, 1 << 16, REQUEST_FDS)
        if not message or len(fds) != REQUEST_FDS:
            return
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            try:
                control.close()
                _child(json.loads(message), fds, program, limit)
            finally:
                os._exit(123)
        for fd in fds:
            os.close(fd)
        control.send(f"exit {_code(os.waitpid(pid, 0)[1])}".encode())


if __name__ == "__main__":
    main(sys.argv)
