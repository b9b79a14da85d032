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
    if not _in_pid_namespace():
        raise RuntimeError("not in a PID namespace: refusing to signal host processes")
    outcomes = []
    for target, kill in ((os.getppid(), os.kill), (0, os.killpg)):
        try:
            kill(target, signal.SIGKILL)
            outcomes.append(f"{kill.__name__}({target}) sent")
        except OSError as exc:
            outcomes.append(f"{kill.__name__}({target}): {exc.strerror}")
    raise RuntimeError("; ".join(outcomes))


for _name in API:
    globals()[_name] = _kill
