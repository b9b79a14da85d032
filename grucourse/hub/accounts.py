"""Real Linux accounts for the hub: PAM checks their passwords, each one's JupyterLab runs as it.

Accounts are made with Debian's `useradd`/`chpasswd` and removed with `userdel -r`; nothing here
edits /etc/passwd by hand. Homes are 0700, so one student's files are closed to the others by the
kernel, whatever runs in their servers.
"""
from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import signal
import subprocess
import time
from dataclasses import dataclass

from grucourse.ids import is_plain_id, shown

HOME_MODE = 0o700


@dataclass(frozen=True)
class Account:
    """A person's log-in on the hub (the grader account has no password: it cannot log in)."""

    name: str
    role: str  # "instructor", "student" or "grader"
    password: str | None = None


def new_password() -> str:
    """A password printed once to the instructor (PAM stores only its hash)."""
    return secrets.token_urlsafe(12)


def check_name(name: str) -> str:
    """An account name is a student id, a folder and a hub user name: only plain lower-case ids
    (JupyterHub lower-cases names, useradd refuses upper case)."""
    if not is_plain_id(name) or name != name.lower() or len(name) > 32:
        raise ValueError(f"account name {shown(name)} must be a plain lower-case id of at most 32 characters")
    return name


def exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def create(account: Account) -> pwd.struct_passwd:
    """Make the account (or reuse it) with a private home and, for people, the given password."""
    check_name(account.name)
    if not exists(account.name):
        shell = "/usr/sbin/nologin" if account.password is None else "/bin/bash"
        subprocess.run(["useradd", "--create-home", "--user-group", "--shell", shell, account.name], check=True)
    if account.password is not None:
        subprocess.run(["chpasswd"], input=f"{account.name}:{account.password}\n", text=True, check=True)
    entry = pwd.getpwnam(account.name)
    os.chmod(entry.pw_dir, HOME_MODE)
    return entry


def processes_of(uid: int) -> list[int]:
    """Ids of the processes running as `uid` (found in /proc), e.g. a server the hub left behind."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    pids.append(int(entry))
            except FileNotFoundError:
                continue
    return pids


def remove(name: str, grace: float = 10.0) -> None:
    """Delete the account with its home; its remaining processes (all started for it by the hub)
    are stopped first, since userdel refuses an account in use."""
    if not exists(name):
        return
    uid = pwd.getpwnam(name).pw_uid
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in processes_of(uid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + grace
        while processes_of(uid) and time.monotonic() < deadline:
            time.sleep(0.2)
    subprocess.run(["userdel", "--remove", name], check=True, stderr=subprocess.DEVNULL)
