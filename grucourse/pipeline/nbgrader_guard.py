"""Plain nbgrader commands of this course refuse student ids that are not plain ids.

nbgrader takes a student id from a folder name under submitted/ (autograde, generate_feedback,
release_feedback) or from the name of a file in the exchange's inbound directory (collect),
where any student can write any name. Such an id becomes a gradebook key that formgrader shows,
a path and a log line. `install(c)`, called by the course's nbgrader_config.py:

* makes every nbgrader converter skip a submission whose student id is not plain
  (`grucourse.ids`), with an error naming the folder escaped, before nbgrader creates the
  student in the gradebook or copies a file; the rest of the class is processed;
* replaces the exchange's collector by `PlainIdCollect`, which refuses inbound submissions with
  such an id, with an unreadable name or timestamp (stock nbgrader aborts the whole collect on
  those), and forged ones: named after one account but owned by another (stock nbgrader only
  warns), unless owned by the account collecting (one-user set-ups, where the instructor's
  account owns every file);
* copies a submission's other files (nbgrader's `init_assignment`) only when they are regular
  files inside the submission: a symbolic link (to /etc/shadow, a classmate's notebook, the
  gradebook) or a FIFO/device (`/dev/zero` would be read without end) is skipped with a warning
  naming it, so it never reaches autograded/ or feedback;
* escapes control sequences in every log line (`grucourse.terminal`).
"""
from __future__ import annotations

import os
import shutil
import stat
import typing

from nbgrader.converters.base import BaseConverter
from nbgrader.exchange.abc.exchange import ExchangeError
from nbgrader.exchange.default.collect import ExchangeCollect, pwd
from nbgrader.utils import find_all_files, parse_utc
from traitlets.config import Config

from grucourse.ids import is_plain_id, refusal, shown
from grucourse.terminal import escape_log_records

_INIT_DESTINATION = BaseConverter.init_destination
_EPOCH = "1970-01-01 00:00:00.000000 UTC"


def _plain_ids_only(self: BaseConverter, assignment_id: str, student_id: str) -> bool:
    """BaseConverter.init_destination, refusing a student id that is not plain ("." is how
    generate_assignment names the instructor's own source folder)."""
    if student_id != "." and not is_plain_id(student_id):
        self.log.error("%s", refusal(student_id, f"{self.coursedir.root}/{self._input_directory}"))
        return False
    return _INIT_DESTINATION(self, assignment_id, student_id)


def _regular_files_only(self: BaseConverter, assignment_id: str, student_id: str) -> None:
    """BaseConverter.init_assignment over the submission's regular files only: nbgrader copies
    every other file of the student's folder with shutil.copy, which follows links and reads
    devices. The student's folder itself is left as it is."""
    source = self._format_source(assignment_id, student_id)
    dest = self._format_dest(assignment_id, student_id)
    for filename in find_all_files(source, self.coursedir.ignore + ["*.ipynb"]):
        relative = os.path.relpath(filename, source)
        if not stat.S_ISREG(os.lstat(filename).st_mode):  # os.walk does not enter linked folders
            self.log.warning("%s is not a regular file of the submission (a link, FIFO or device); not copied",
                             shown(os.path.join(student_id, assignment_id, relative)))
            continue
        target = os.path.join(dest, relative)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if os.path.lexists(target):
            os.remove(target)
        shutil.copyfile(filename, target, follow_symlinks=False)


class PlainIdCollect(ExchangeCollect):
    """nbgrader's collector, collecting only plain, unforged student ids."""

    def _path_to_record(self, path: str) -> dict[str, typing.Any]:
        try:
            return super()._path_to_record(path)
        except (ExchangeError, ValueError, OverflowError) as exc:  # dateutil's ParserError is a ValueError
            filename = os.path.basename(path)
            return {"username": f"\0{filename}", "filename": filename, "timestamp": parse_utc(_EPOCH),
                    "refused": f"not a submission name ({type(exc).__name__})"}

    def _sort_by_timestamp(self, records: list[dict[str, typing.Any]]) -> list[dict[str, typing.Any]]:
        """Newest first, refused ones last, each refusal logged once: nbgrader keeps the first
        record of each student id, so a forged, later submission in a classmate's name must not
        hide the classmate's own."""
        for record in records:
            if "refused" not in record and (problem := self._problem(record)):
                record["refused"] = problem
            if record.get("refused"):
                self.log.error("refused inbound submission %s: %s; not collected",
                               shown(record["filename"]), record["refused"])
        return sorted(super()._sort_by_timestamp(records), key=lambda record: bool(record.get("refused")))

    def init_src(self) -> None:
        super().init_src()
        records: list[dict[str, typing.Any]] = getattr(self, "src_records")  # noqa: B009 - set by nbgrader
        self.src_records = [record for record in records if not record.get("refused")]

    def _problem(self, record: dict[str, typing.Any]) -> str | None:
        student = record["username"]
        if not is_plain_id(student):
            return refusal(student, "inbound")
        if self.check_owner and pwd is not None:
            uid = os.stat(os.path.join(self.inbound_path, record["filename"])).st_uid
            try:
                owner = pwd.getpwuid(uid).pw_name
            except KeyError:
                owner = f"uid {uid}"
            if owner != student and uid != os.geteuid():
                return f"it claims student id {student} but is owned by {shown(owner)}, a forged id"
        return None


def install(config: Config) -> None:
    """Applies the guards above to the nbgrader commands this configuration runs."""
    escape_log_records()
    BaseConverter.init_destination = _plain_ids_only
    BaseConverter.init_assignment = _regular_files_only
    config.ExchangeFactory.collect = f"{__name__}.{PlainIdCollect.__name__}"
