"""What a student can put into the shared exchange of the hub course, checked with plain
`nbgrader collect` of the course's configuration (the hub's formgrader runs the same collector)."""
from __future__ import annotations

import os
import pwd
import subprocess
from pathlib import Path

import pytest

from grucourse.hub.exchange import FILE_MODE, SUBMISSION_DIR_MODE
from grucourse.pipeline.course_copy import copy_course

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(os.geteuid() != 0, reason="handing files to other accounts needs root")]

ASSIGNMENT = "gru_gates"
VICTIM = "daemon"  # a real account of the machine: the student whose name is forged
FORGER = pwd.getpwnam("nobody").pw_uid


def submission(inbound: Path, name: str, owner: int, text: str) -> Path:
    """A folder as `nbgrader submit` leaves it, owned by the account that wrote it."""
    folder = inbound / name
    folder.mkdir(parents=True)
    (folder / f"{ASSIGNMENT}.ipynb").write_text(text)
    (folder / "timestamp.txt").write_text(name.split("+")[2])
    for path in (folder, *folder.iterdir()):
        os.chown(path, owner, owner)
    return folder


def test_a_forged_later_submission_neither_replaces_nor_hides_the_students_own(tmp_path: Path) -> None:
    course = copy_course(tmp_path / "course")
    inbound = course.root / "exchange" / "gru_course" / "inbound"
    victim = pwd.getpwnam(VICTIM).pw_uid
    submission(inbound, f"{VICTIM}+{ASSIGNMENT}+2026-12-01 10:00:00.000000 UTC+a1", victim, '{"own": true}')
    submission(inbound, f"{VICTIM}+{ASSIGNMENT}+2999-01-01 00:00:00.000000 UTC+zz", FORGER, '{"forged": true}')
    done = subprocess.run(["nbgrader", "collect", ASSIGNMENT], cwd=course.root, capture_output=True, text=True,
                          timeout=300)
    log = done.stdout + done.stderr
    assert done.returncode == 0, log
    assert f"it claims student id {VICTIM} but is owned by 'nobody', a forged id" in log
    collected = course.root / "submitted" / VICTIM / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert collected.read_text() == '{"own": true}', "the student's own, earlier submission is the one collected"


def test_private_submit_modes_leave_nothing_to_other_accounts() -> None:
    """The modes PrivateSubmit gives a submission: group (the grader) and owner only."""
    assert SUBMISSION_DIR_MODE & 0o007 == 0 and FILE_MODE & 0o007 == 0
    assert SUBMISSION_DIR_MODE & 0o070 == 0o070, "the grader account may collect and remove it"
