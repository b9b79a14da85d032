"""Two notebook runs forked one after the other from the same warm sandbox (zygote) share
nothing: not files in /tmp or the work directory, the environment, module state, processes or
signal handlers, and the earlier one can neither signal nor read or write the zygote."""
from __future__ import annotations

import json
import secrets
import time

import pytest
from judge_fixtures.sandboxed import run

from grucourse.judge import sandbox as sandbox_module
from grucourse.judge import zygote
from grucourse.judge.zygote import ZYGOTES

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not sandbox_module.isolation_available(), reason="the sandbox cannot be built here")]

PLANT = r'''
import ctypes, json, os, signal, subprocess, sys
import numpy
TOKEN = {token!r}
report = {{}}
for directory in ("/tmp", "/work"):
    with open(os.path.join(directory, TOKEN + ".txt"), "w") as handle:
        handle.write(TOKEN)
os.environ["PLANTED"] = TOKEN
numpy.planted = TOKEN
json.planted = TOKEN
sys.modules["planted_" + TOKEN] = json
signal.signal(signal.SIGUSR1, signal.SIG_IGN)
os.umask(0o000)
subprocess.Popen(["/bin/sh", "-c", "sleep 600", TOKEN], start_new_session=True)
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        cmdline = open(f"/proc/{{pid}}/cmdline", "rb").read()
    except OSError:
        continue
    status = open(f"/proc/{{pid}}/status").read()
    nspid = next(line for line in status.splitlines() if line.startswith("NSpid:")).split()[1:]
    if len(nspid) != 1:  # in this run's own pid namespace (its init, itself, its children)
        continue
    try:
        open(f"/proc/{{pid}}/mem", "r+b")
        report[f"mem {{pid}}"] = "opened"
    except OSError as exc:
        report[f"mem {{pid}}"] = type(exc).__name__
    try:
        open(f"/proc/{{pid}}/environ", "rb").read()
        report[f"environ {{pid}}"] = "read"
    except OSError as exc:
        report[f"environ {{pid}}"] = type(exc).__name__
    fd = os.open(f"/proc/{{pid}}", os.O_RDONLY | os.O_DIRECTORY)
    value = libc.syscall(ctypes.c_long(424), fd, signal.SIGKILL, None, 0)  # pidfd_send_signal
    report[f"signal {{pid}}"] = "sent" if value == 0 else os.strerror(ctypes.get_errno())
print(json.dumps(report))
'''

LOOK = r'''
import json, os, signal, sys
import numpy
TOKEN = {token!r}
found = []
for root, dirs, names in os.walk("/"):
    dirs[:] = [d for d in dirs if os.path.join(root, d) not in ("/proc", "/sys", "/usr", "/dev")]
    found += [os.path.join(root, name) for name in names if TOKEN in name]
if TOKEN in json.dumps(dict(os.environ)):
    found.append("environment")
if hasattr(numpy, "planted") or hasattr(json, "planted") or any(TOKEN in name for name in sys.modules):
    found.append("module state")
if signal.getsignal(signal.SIGUSR1) is signal.SIG_IGN:
    found.append("signal disposition")
if os.umask(0o022) != 0o022:
    found.append("umask")
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        if TOKEN.encode() in open(f"/proc/{{pid}}/cmdline", "rb").read():
            found.append(f"process {{pid}}")
    except OSError:
        pass
print(json.dumps(found))
'''


def test_consecutive_runs_through_one_warm_sandbox_share_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    # A zygote that failed for an earlier test is not retried for a minute, and on a loaded
    # machine a second can pass between two runs: this test starts with no failure on record and
    # keeps the idle zygote for the two runs, then lets it be reaped.
    monkeypatch.setattr(zygote, "_BROKEN", {})
    monkeypatch.setattr(zygote, "IDLE_SECONDS", 60.0)
    token = f"tok{secrets.token_hex(8)}"
    first, _ = run(PLANT.format(token=token), LOOK.format(token=token))
    warm = ZYGOTES.pids()
    assert warm, "the run did not go through a warm sandbox"
    assert first[0].error is None, first[0].error
    report = json.loads(first[0].stdout)
    assert report and set(report.values()) <= {"PermissionError", "Invalid argument", "Operation not permitted"}, report
    assert len(json.loads(first[1].stdout)) >= 5  # the probe finds what its own run planted
    [later], _ = run(LOOK.format(token=token))
    assert later.error is None, later.error
    assert json.loads(later.stdout) == []
    assert ZYGOTES.pids() == warm  # both runs were children of the same zygote, which survived
    monkeypatch.setattr(zygote, "IDLE_SECONDS", 1.0)
    run("pass")  # given back for the usual idle time this time
    deadline = time.monotonic() + 30
    while ZYGOTES.pids() and time.monotonic() < deadline:
        time.sleep(0.25)
    assert ZYGOTES.pids() == []  # an idle zygote does not outlive the grading it served


def test_a_prestarted_warm_sandbox_serves_the_first_run_and_no_other_is_started(monkeypatch: pytest.MonkeyPatch) -> None:
    """`grucourse grade` for a class of one starts the sandbox while it imports the judge: the
    first run must wait for that zygote rather than start a second one, and use it."""
    from grucourse.judge.channel import prestart

    monkeypatch.setattr(zygote, "_BROKEN", {})
    monkeypatch.setattr(zygote, "IDLE_SECONDS", 60.0)
    close_idle_zygotes()  # none left idle by earlier tests
    started: list[int] = []
    real_init = zygote.Zygote.__init__

    def counted(self, *args, **kwargs) -> None:
        real_init(self, *args, **kwargs)
        started.append(self.jail.process.pid)

    monkeypatch.setattr(zygote.Zygote, "__init__", counted)
    prestart(sandbox_module.Sandbox())
    assert ZYGOTES.starting or ZYGOTES.pids()
    time.sleep(2)  # the thread that saw it get ready has ended: the zygote must outlive it
    [cell], _ = run("print(6 * 7)")
    assert cell.stdout == "42\n", cell
    assert len(started) == 1 and ZYGOTES.pids() == started  # the prestarted one ran it
    close_idle_zygotes()


def close_idle_zygotes() -> None:
    with ZYGOTES.lock:
        for idle in ZYGOTES._mine().values():
            for _, warm in idle:
                warm.close()
            idle.clear()
