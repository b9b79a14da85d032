"""Student functions SIGKILL their parent process and their process group (only inside a PID namespace).

category: crash
pidns_only: yes
"""
import os
import signal

API = "__API__".split(",")


def _in_pid_namespace() -> bool:
    return len([p for p in os.listdir("/proc") if p.isdigit()]) < 50


def _kill(*args, **kwargs):
    if _in_pid_namespace():
        os.kill(os.getppid(), signal.SIGKILL)
        os.killpg(0, signal.SIGKILL)
    raise RuntimeError("not in a PID namespace: refusing to signal host processes")


for _name in API:
    globals()[_name] = _kill
