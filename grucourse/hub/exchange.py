"""nbgrader's submit with the submission readable by the grader account only.

Stock `nbgrader submit` leaves the submission in the exchange's inbound folder world-readable
(files 0644) and its folder world-writable (0777), hidden only by a name nobody can list: whoever
learns the name can read a classmate's notebook and `submission_secret.txt` (the key to their
feedback) or replace the notebook. Here the submission is made private once copied: the inbound
folder's set-group-id bit gives it the grader account's group, so folders become 2770/2750 and
files 0640: the grader collects (and may delete) it, other students get "permission denied".
"""
from __future__ import annotations

import os

from nbgrader.exchange.default.submit import ExchangeSubmit

SUBMISSION_DIR_MODE = 0o2770
INNER_DIR_MODE = 0o2750
FILE_MODE = 0o640


class PrivateSubmit(ExchangeSubmit):
    """`nbgrader submit`, then the submission closed to everyone but its owner and the grader."""

    def copy_files(self) -> None:
        super().copy_files()
        dest = os.path.join(self.inbound_path, self.assignment_filename)
        for folder, _dirs, files in os.walk(dest):
            os.chmod(folder, SUBMISSION_DIR_MODE if folder == dest else INNER_DIR_MODE)
            for name in files:
                os.chmod(os.path.join(folder, name), FILE_MODE)
