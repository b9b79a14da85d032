"""`nbgrader release_feedback` for the whole class, whatever way each submission came in.

nbgrader's ExchangeReleaseFeedback opens `timestamp.txt` and `submission_secret.txt` beside each
student's feedback page (written by `nbgrader submit`, carried by collect, autograde and
generate_feedback). A submission copied into submitted/ by hand, or imported before
`grucourse collect` wrote them, has neither, and the first such student stopped the command
with a FileNotFoundError: no feedback reached anyone after it. `EveryStudentReleaseFeedback`
(set as `c.ExchangeFactory.release_feedback` in nbgrader_config.py) releases every student who
has both, names each one who has not, and then fails, so the exit status says so.
"""
from __future__ import annotations

import glob
import os

from nbgrader.exchange.default.release_feedback import ExchangeReleaseFeedback

from grucourse.ids import shown
from grucourse.pipeline.autograded import SUBMISSION_RECORDS


class EveryStudentReleaseFeedback(ExchangeReleaseFeedback):
    """nbgrader's release_feedback, skipping (and naming) students without exchange records."""

    def copy_files(self) -> None:
        lacking = self._lacking_records()
        excluded = {s for s in self.coursedir.student_id_exclude.split(",") if s}
        before = self.coursedir.student_id_exclude
        self.coursedir.student_id_exclude = ",".join(sorted(excluded | set(lacking)))
        try:
            super().copy_files()
        finally:
            self.coursedir.student_id_exclude = before
        for student, missing in sorted(lacking.items()):
            self.log.error("feedback of %s on %s not released: %s missing beside it (collect the submission "
                           "again with nbgrader collect or grucourse collect, which write it)",
                           shown(student), self.coursedir.assignment_id, " and ".join(missing))
        if lacking:
            self.fail(f"feedback not released for {len(lacking)} student(s) without exchange records; "
                      "the rest of the class got theirs")

    def _lacking_records(self) -> dict[str, list[str]]:
        """Student id -> the records missing from a feedback folder that holds a page."""
        lacking = {}
        for folder in glob.glob(self.src_path):  # feedback/<student or *>/<assignment>, as nbgrader reads it
            if not glob.glob(os.path.join(glob.escape(folder), "*.html")):
                continue
            if missing := [r for r in SUBMISSION_RECORDS if not os.path.isfile(os.path.join(folder, r))]:
                lacking[os.path.basename(os.path.dirname(folder))] = missing
        return lacking
