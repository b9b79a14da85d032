"""`kill -9 -1` at top level and in a student function (only inside a PID namespace).

category: crash
placement: first
pidns_only: yes
"""
import os
import signal

API = "__API__".split(",")


def _in_pid_namespace() -> bool:
    return len([p for p in os.listdir("/proc") if p.isdigit()]) < 50


def _kill_all(*args, **kwargs):
    if _in_pid_namespace():
        os.kill(-1, signal.SIGKILL)
    raise RuntimeError("not in a PID namespace: refusing to signal host processes")


for _name in API:
    globals()[_name] = _kill_all
if _in_pid_namespace():
    os.kill(-1, signal.SIGKILL)
