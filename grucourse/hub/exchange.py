"""nbgrader's submit with the submission readable by the grader account only.

Stock `nbgrader submit` leaves the submission in the exchange's inbound folder world-readable
(files 0644) and its folder world-writable (0777), hidden only by a name nobody can list: whoever
learns the name can read a classmate's notebook and `submission_secret.txt` (the key to their
feedback) or replace the notebook. Here the submission is made private once copied: the inbound
folder's set-group-id bit gives it the grader account's group, so folders become 2770/2750 and
files 0640: the grader collects (and may delete) it, other students get "permission denied".

nbgrader writes `timestamp.txt` and `submission_secret.txt` after copying the notebooks, and by
then copytree has copied the student's folder mode onto the submission folder, clearing its
set-group-id bit (which the kernel does not let a student set again on a folder of a group they
are not in): the two records belong to the student's own group. They are made readable to
"others", whom only the owner and the grader group can be, since only they may enter the 0770
folder; without that the grader could not read them, and collect left them behind (nbgrader's
autograde then had no submission time and release_feedback nowhere to send the feedback).
"""
from __future__ import annotations

import os

from nbgrader.exchange.default.submit import ExchangeSubmit

SUBMISSION_DIR_MODE = 0o2770
INNER_DIR_MODE = 0o2750
FILE_MODE = 0o640
RECORD_MODE = 0o644


class PrivateSubmit(ExchangeSubmit):
    """`nbgrader submit`, then the submission closed to everyone but its owner and the grader."""

    def copy_files(self) -> None:
        super().copy_files()
        dest = os.path.join(self.inbound_path, self.assignment_filename)
        grader_group = os.stat(dest).st_gid
        for folder, _dirs, files in os.walk(dest):
            os.chmod(folder, SUBMISSION_DIR_MODE if folder == dest else INNER_DIR_MODE)
            for name in files:
                path = os.path.join(folder, name)
                os.chmod(path, FILE_MODE if os.stat(path).st_gid == grader_group else RECORD_MODE)
