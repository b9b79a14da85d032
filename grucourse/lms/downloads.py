"""How Moodle and Canvas name the files of a "download all submissions" zip.

* Moodle, one folder per participant (the default since 3.1; 4.1 drops the last `_`):
  `Ada Lovelace_1001_assignsubmission_file_/gru_gates.ipynb`
* Moodle, flat ("download submissions in folders" off): the same prefix on the file name,
  `Ada Lovelace_1001_assignsubmission_file_gru_gates.ipynb`
* Canvas: `lovelaceada_2001_3001_gru_gates.ipynb`, with `late_` (older Canvas: `LATE_`) after
  the name when the submission came after the due date; the numbers are the user id and the
  attachment id, which grows with every upload.

The number is the participant: Moodle's participant id (the worksheet's "Participant 1001") or
Canvas's user id (the gradebook's "ID"). Names are not unique and not ids.

Member names come in two encodings. A zip marks UTF-8 names with flag bit 11; without it the
bytes are the writer's legacy code page (cp437 for Windows' compressed folders and old Moodle),
except that many writers (PHP's ZipArchive, macOS, Info-ZIP) store UTF-8 without the flag.
`member_name` undoes Python's cp437 reading and tries UTF-8 first, as 7-Zip and Moodle's own
unzip do, then the legacy code page; names are NFC-normalised (macOS writes NFD).
"""
from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass

UTF8_FLAG = 0x800
_MOODLE_FOLDER = re.compile(
    r"(?P<name>[^/]+?)_(?P<participant>\d+)_assignsubmission_(?P<plugin>[a-z]+)_?/(?P<file>.+)")
_MOODLE_FLAT = re.compile(r"(?P<name>[^/]+?)_(?P<participant>\d+)_assignsubmission_(?P<plugin>[a-z]+)_(?P<file>[^/]+)")
_CANVAS = re.compile(r"(?P<name>[^_/]+)_(?:(?P<late>late)_)?(?P<participant>\d+)_(?P<attempt>\d+)_(?P<file>[^/]+)",
                     re.IGNORECASE)


@dataclass(frozen=True)
class LmsFile:
    """What an LMS file name says: whose submission it is and which of its files."""

    lms: str  # "moodle" or "canvas"
    participant: str  # the LMS's number for the participant
    name: str  # Moodle's full name or Canvas's squashed name, as written
    file: str  # the file's name (a path under the participant's folder in Moodle)
    plugin: str = "file"  # Moodle's submission plugin ("file", "onlinetext")
    late: bool = False  # Canvas's late marker
    attempt: int = 0  # Canvas's attachment id: a later upload has a larger one

    @property
    def key(self) -> str:
        """The participant as shown and compared: 'moodle:1001'."""
        return f"{self.lms}:{self.participant}"


def member_name(info: zipfile.ZipInfo, legacy: str = "cp437") -> str:
    """The member's name as the LMS meant it (see the module docstring)."""
    name = info.filename
    if not info.flag_bits & UTF8_FLAG:
        raw = name.encode("cp437")  # zipfile decoded the stored bytes as cp437
        try:
            name = raw.decode("utf-8")
        except UnicodeDecodeError:
            name = raw.decode(legacy, errors="replace")
    return unicodedata.normalize("NFC", name.replace("\\", "/"))


def parse(name: str) -> LmsFile | None:
    """The LMS file a member name stands for, or None if no LMS names files so."""
    if m := _MOODLE_FOLDER.fullmatch(name) or _MOODLE_FLAT.fullmatch(name):
        return LmsFile("moodle", m["participant"], m["name"], m["file"], plugin=m["plugin"])
    if m := _CANVAS.fullmatch(name):
        return LmsFile("canvas", m["participant"], m["name"], m["file"], late=bool(m["late"]),
                       attempt=int(m["attempt"]))
    return None


def name_key(name: str) -> str:
    """A name as compared with the map: NFC, case and runs of spaces ignored."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())
