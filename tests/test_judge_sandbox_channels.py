"""Two sandboxes cannot pass a byte to each other, whether one runs after the other or both at
once: not through keyrings, SysV or POSIX IPC, /dev/shm, abstract or named unix sockets, files
in any path either can write, advisory locks or the process list. The system calls the seccomp
filter denies fail with EPERM (clone3 with ENOSYS), and a system call of the x32 ABI kills.

The sender plants a random token through every channel it can open; the receiver, in another
sandbox, looks through every channel and prints all it finds. The same receiver run inside the
sender's own sandbox must find the token, so a probe that silently looks in the wrong place
cannot make the test pass.
"""
from __future__ import annotations

import errno
import json
import platform
import secrets
import threading

import pyseccomp
import pytest
from judge_fixtures.sandboxed import alive, run

from grucourse.judge import sandbox as sandbox_module
from grucourse.judge.runner import CellRun
from grucourse.judge.seccomp import DENIED

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not sandbox_module.isolation_available(), reason="the sandbox cannot be built here")]

PROBES = r'''
import ctypes, ctypes.util, errno, fcntl, json, os, socket, subprocess, threading

libc = ctypes.CDLL(None, use_errno=True)
try:
    libc.mq_open
    librt = libc
except AttributeError:
    librt = ctypes.CDLL(ctypes.util.find_library("rt"), use_errno=True)
NAME = "grucourse-probe"
SYSV_KEY = 0x67727563
RINGS = {"thread": -1, "process": -2, "session": -3, "user": -4, "user-session": -5}
SKIP = ("/proc", "/sys")
for function in (libc.syscall, libc.shmat):
    function.restype = ctypes.c_long
libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
L = ctypes.c_long
KEYCTL, ADD_KEY = 250, 248  # x86_64
if os.uname().machine == "aarch64":
    KEYCTL, ADD_KEY = 219, 217


def err():
    return errno.errorcode.get(ctypes.get_errno(), str(ctypes.get_errno()))


def tree():
    """(directory, file names) of this sandbox's whole file tree but /proc and /sys."""
    for root, dirs, names in os.walk("/"):
        dirs[:] = [d for d in dirs if os.path.join(root, d) not in SKIP]
        yield root, names


def writable_dirs():
    """Every directory this sandbox may create files in."""
    return [root for root, _ in tree() if os.access(root, os.W_OK)]


def keyrings():
    rings = dict(RINGS)
    persistent = libc.syscall(L(KEYCTL), L(22), L(-1), L(-4))  # KEYCTL_GET_PERSISTENT for our uid
    rings["persistent"] = persistent if persistent >= 0 else None
    return rings, err() if persistent < 0 else "ok"


def serve(server, token):
    while True:
        connection, _ = server.accept()
        connection.sendall(token.encode())
        connection.close()


def send(token):
    """Plants `token` in every channel this sandbox can open; returns what each attempt gave."""
    report, keep = {}, []
    rings, report["keyctl persistent"] = keyrings()
    for ring, ring_id in rings.items():
        if ring_id is None:
            continue
        payload = token.encode()
        key = libc.syscall(L(ADD_KEY), b"user", NAME.encode(), payload, L(len(payload)), L(ring_id))
        report[f"add_key {ring}"] = "ok" if key >= 0 else err()
    shm = libc.shmget(SYSV_KEY, 4096, 0o1666)  # IPC_CREAT | 0666
    report["sysv shm"] = "ok" if shm >= 0 else err()
    if shm >= 0:
        address = libc.shmat(shm, None, 0)
        ctypes.memmove(address, token.encode(), len(token))
    queue = libc.msgget(SYSV_KEY, 0o1666)
    message = ctypes.create_string_buffer(ctypes.sizeof(ctypes.c_long) + 64)
    ctypes.memmove(ctypes.addressof(message) + ctypes.sizeof(ctypes.c_long), token.encode(), len(token))
    ctypes.c_long.from_buffer(message).value = 1
    report["sysv msg"] = "ok" if queue >= 0 and libc.msgsnd(queue, message, 64, 0) == 0 else err()
    semaphores = libc.semget(SYSV_KEY, 1, 0o1666)
    report["sysv sem"] = "ok" if semaphores >= 0 and libc.semctl(semaphores, 0, 16, 4242) == 0 else err()  # SETVAL
    mq = librt.mq_open(f"/{NAME}".encode(), os.O_CREAT | os.O_RDWR, 0o666, None)
    sent = mq >= 0 and librt.mq_send(ctypes.c_int(mq), token.encode(), len(token), 0) == 0
    report["posix mq"] = "ok" if sent else err()
    fd = libc.shm_open(f"/{NAME}".encode(), os.O_CREAT | os.O_RDWR, 0o666)
    report["posix shm"] = "ok" if fd >= 0 and os.write(fd, token.encode()) else err()
    abstract = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    abstract.bind(f"\0{NAME}")
    abstract.listen()
    keep.append(abstract)
    directories = sorted(set(writable_dirs()) | {"/tmp", "/work", "/var/tmp", "/dev/shm", os.environ["HOME"], "/run"})
    for directory in directories:
        try:
            with open(os.path.join(directory, f"{NAME}.txt"), "w") as out:
                out.write(token)
            report[f"file {directory}"] = "ok"
            named = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            named.bind(os.path.join(directory, f"{NAME}.sock"))
            named.listen()
            keep.append(named)
        except OSError as exc:
            report[f"file {directory}"] = errno.errorcode.get(exc.errno, str(exc.errno))
    for server in keep:
        threading.Thread(target=serve, args=(server, token), daemon=True).start()
    with open("/usr/bin/env", "rb") as shared:  # every sandbox sees this inode
        for name, lock in [("flock", lambda: fcntl.flock(shared, fcntl.LOCK_SH | fcntl.LOCK_NB)),
                           ("fcntl lock", lambda: fcntl.lockf(shared, fcntl.LOCK_SH | fcntl.LOCK_NB))]:
            try:
                lock()
                report[name] = "ok"
            except OSError as exc:
                report[name] = errno.errorcode.get(exc.errno, str(exc.errno))
    keep.append(subprocess.Popen(["/bin/sh", "-c", "sleep 600", f"{NAME}-{token}"]))  # in every process list
    send.keep = keep
    return report


def receive():
    """Everything any channel holds, as 'FOUND <channel>: <bytes>' lines."""
    found = []
    rings, _ = keyrings()
    for ring, ring_id in rings.items():
        if ring_id is None:
            continue
        key = libc.syscall(L(KEYCTL), L(10), L(ring_id), b"user", NAME.encode(), L(0))  # KEYCTL_SEARCH
        if key >= 0:
            buffer = ctypes.create_string_buffer(256)
            size = libc.syscall(L(KEYCTL), L(11), L(key), buffer, L(256))  # KEYCTL_READ
            found.append(f"FOUND key {ring}: {buffer.raw[:max(size, 0)]!r}")
    shm = libc.shmget(SYSV_KEY, 0, 0)
    if shm >= 0:
        found.append(f"FOUND sysv shm: {ctypes.string_at(libc.shmat(shm, None, 0o10000), 64)!r}")  # SHM_RDONLY
    queue = libc.msgget(SYSV_KEY, 0)
    if queue >= 0:
        message = ctypes.create_string_buffer(ctypes.sizeof(ctypes.c_long) + 64)
        size = libc.msgrcv(queue, message, 64, 0, 0o4000)  # IPC_NOWAIT
        found.append(f"FOUND sysv msg: {message.raw[ctypes.sizeof(ctypes.c_long):][:max(size, 0)]!r}")
    semaphores = libc.semget(SYSV_KEY, 0, 0)
    if semaphores >= 0:
        found.append(f"FOUND sysv sem: {libc.semctl(semaphores, 0, 12)}")  # GETVAL
    mq = librt.mq_open(f"/{NAME}".encode(), os.O_RDONLY | os.O_NONBLOCK, 0, None)
    if mq >= 0:
        buffer = ctypes.create_string_buffer(1 << 20)
        size = librt.mq_receive(ctypes.c_int(mq), buffer, 1 << 20, None)
        found.append(f"FOUND posix mq: {buffer.raw[:max(size, 0)]!r}")
    fd = libc.shm_open(f"/{NAME}".encode(), os.O_RDONLY, 0)
    if fd >= 0:
        found.append(f"FOUND posix shm: {os.read(fd, 64)!r}")
    planted = [os.path.join(root, name) for root, names in tree() for name in names if name.startswith(NAME)]
    for address in [f"\0{NAME}"] + planted:
        if address.endswith(".txt"):
            found.append(f"FOUND file {address}: {open(address, 'rb').read()!r}")
            continue
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        client.settimeout(5)
        try:
            client.connect(address)
            found.append(f"FOUND socket {address!r}: {client.recv(64)!r}")
        except OSError:
            pass
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = open(f"/proc/{pid}/cmdline", "rb").read()
        except OSError:
            continue
        if NAME.encode() in cmdline:
            found.append(f"FOUND process {pid}: {cmdline!r}")
    return found
'''


def sender(token: str) -> tuple[str, ...]:
    return PROBES, f"print(json.dumps(send({token!r})))", "print(json.dumps(receive()))"


RECEIVER = (PROBES, "print(json.dumps(receive()))")


def received(cell_stdout: str) -> list[str]:
    return json.loads(cell_stdout)


def check_sender(runs: list[CellRun], token: str) -> dict[str, str]:
    """The sender's own view: keyrings and locks refused, the rest planted and found again."""
    assert all(run.error is None for run in runs), [run.error for run in runs]
    report = json.loads(runs[1].stdout)
    assert {value for name, value in report.items() if name.startswith(("add_key", "keyctl"))} == {"EPERM"}, report
    assert report["flock"] == report["fcntl lock"] == "EPERM", report
    assert report["posix shm"] == "EACCES" and report["file /dev/shm"] == "EACCES", report  # root's /dev/shm
    for channel in ("sysv shm", "sysv msg", "sysv sem", "posix mq", "file /tmp", "file /work"):
        assert report[channel] == "ok", report
    own = "\n".join(received(runs[2].stdout))
    for channel in ("sysv shm", "sysv msg", "sysv sem: 4242", "posix mq", "file /tmp/", "file /work/",
                    "socket '\\x00grucourse-probe'", "socket '/tmp/", "process"):
        assert f"FOUND {channel}" in own, own
    assert token in own
    return report


def test_a_later_sandbox_finds_nothing_of_an_earlier_one() -> None:
    token = f"tok-{secrets.token_hex(8)}"
    first, _ = run(*sender(token))
    check_sender(first, token)
    [_, later], _ = run(*RECEIVER)
    assert later.error is None, later.error
    assert received(later.stdout) == [] and token not in later.stdout


def test_concurrent_sandboxes_find_nothing_of_each_other() -> None:
    """The sender is alive (its sockets served by threads, its IPC objects and files held)
    while two receivers run: one started after it, one at the same time as a second sender."""
    token, other_token = f"tok-{secrets.token_hex(8)}", f"tok-{secrets.token_hex(8)}"
    with alive(*sender(token)) as (runs, _):
        check_sender(runs, token)
        results: dict[str, list[CellRun]] = {}

        def start(name: str, cells: tuple[str, ...]) -> None:
            results[name] = run(*cells)[0]

        threads = [threading.Thread(target=start, args=("receiver", RECEIVER)),
                   threading.Thread(target=start, args=("sender", sender(other_token)))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        [_, beside] = results["receiver"]
        assert beside.error is None, beside.error
        assert received(beside.stdout) == [] and token not in beside.stdout
        second = results["sender"]
        check_sender(second, other_token)
        assert token not in second[2].stdout  # the second sender's receiver saw only its own token
        [_, after], _ = run(*RECEIVER)
        assert received(after.stdout) == [] and token not in after.stdout


def syscall_numbers() -> dict[str, int]:
    """The denied system calls that exist on this machine's architecture, by number."""
    numbers = {name: pyseccomp.resolve_syscall(pyseccomp.Arch.NATIVE, name) for name in DENIED}
    return {name: number for name, number in numbers.items() if number >= 0}


def test_denied_system_calls_fail_with_eperm_and_foreign_abis_kill() -> None:
    """Each call gets invalid arguments (-1): unfiltered, the kernel would answer EBADF, EFAULT,
    EINVAL and the like, so EPERM shows the filter answered."""
    numbers = syscall_numbers()
    assert {"keyctl", "add_key", "request_key", "bpf", "userfaultfd", "perf_event_open", "ptrace",
            "process_vm_readv", "mount", "unshare", "setns", "io_uring_setup", "init_module"} <= set(numbers)
    clone3, clone = (pyseccomp.resolve_syscall(pyseccomp.Arch.NATIVE, name) for name in ("clone3", "clone"))
    [cell], _ = run(f"""
import ctypes, errno, os, socket, json
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
results = {{}}
for name, number in {numbers!r}.items():
    ctypes.set_errno(0)
    value = libc.syscall(ctypes.c_long(number), *[ctypes.c_long(-1)] * 6)
    results[name] = errno.errorcode.get(ctypes.get_errno(), "ok") if value < 0 else "ok"
value = libc.syscall(ctypes.c_long({clone3}), ctypes.c_long(-1), ctypes.c_long(-1))
results["clone3"] = errno.errorcode.get(ctypes.get_errno()) if value < 0 else "ok"
value = libc.personality(ctypes.c_ulong(0x0040000))  # ADDR_NO_RANDOMIZE
results["personality ADDR_NO_RANDOMIZE"] = errno.errorcode.get(ctypes.get_errno()) if value < 0 else "ok"
for family in (socket.AF_VSOCK, socket.AF_ALG, socket.AF_PACKET):
    try:
        socket.socket(family, socket.SOCK_DGRAM if family != socket.AF_ALG else socket.SOCK_SEQPACKET).close()
        results[f"socket {{family}}"] = "ok"
    except OSError as exc:
        results[f"socket {{family}}"] = errno.errorcode.get(exc.errno)
value = libc.syscall(ctypes.c_long({clone}), ctypes.c_long(0x10000000 | 17), *[ctypes.c_long(0)] * 4)
if value == 0:
    os._exit(0)  # (only if the filter let a new user namespace through)
results["clone CLONE_NEWUSER"] = errno.errorcode.get(ctypes.get_errno()) if value < 0 else "ok"
child = os.fork()
if child == 0:
    if os.uname().machine == "x86_64":
        libc.syscall(ctypes.c_long(0x40000000 | 39))  # getpid through the x32 ABI
    os._exit(0)
results["x32 getpid"] = os.waitstatus_to_exitcode(os.waitpid(child, 0)[1])
results["fork"] = "ok"
print(json.dumps(results))
""")
    assert cell.error is None, cell.error
    results = json.loads(cell.stdout)
    assert {name: results[name] for name in numbers if results[name] != "EPERM"} == {}
    assert results["clone3"] == "ENOSYS"  # glibc then falls back to clone, whose flags are checked
    assert results["personality ADDR_NO_RANDOMIZE"] == results["clone CLONE_NEWUSER"] == "EPERM"
    assert results["fork"] == "ok"
    assert {results[f"socket {family}"] for family in (40, 38, 17)} == {errno.errorcode[errno.EAFNOSUPPORT]}
    if platform.machine() == "x86_64":
        assert results["x32 getpid"] == -31  # SIGSYS: the filter kills a foreign ABI's call
