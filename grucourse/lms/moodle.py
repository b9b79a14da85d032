"""Moodle's offline grading worksheet and feedback-files zip, filled from the gradebook.

The worksheet is the CSV Moodle's assignment gives under *Download grading worksheet*. Moodle's
importer (assignfeedback_offline) needs three of its columns: "Identifier" ("Participant 1001",
the number the submission download used), "Grade" and "Last modified (grade)"; it skips a blank
or negative grade, one above the assignment's maximum, and one whose Moodle grade changed after
the worksheet was downloaded. So the worksheet is filled in as downloaded: only "Grade" changes,
for the participants collected into this course; every other row and column stays.

Feedback files go back through *Upload multiple feedback files in a zip*: Moodle splits each
path component on "_" and takes the second part as the participant number and the next two as
the plugin, so a page is stored as `<name>_<number>_assignfeedback_file_/<page>.html`.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from grucourse.lms.grades import FinalScore
from grucourse.lms.sheet import ExportError, Filled, column, read_rows, write_rows
from grucourse.scores import format_score, round_score

IDENTIFIER, GRADE, MODIFIED, MAXIMUM, FULL_NAME = (
    "Identifier", "Grade", "Last modified (grade)", "Maximum Grade", "Full name")
PARTICIPANT = "Participant "


def participant_number(identifier: str) -> str:
    """'Participant 1001' -> '1001' (Moodle strips the prefix the same way)."""
    return identifier[len(PARTICIPANT):] if identifier.startswith(PARTICIPANT) else ""


def fill_worksheet(worksheet: Path, out: Path, scores: dict[str, FinalScore], students: dict[str, str],
                   rescale: bool = False) -> Filled:
    """Write `out`: `worksheet` with "Grade" set for every participant number in `students`
    (number -> student id) that has a score. Moodle refuses a grade above its maximum, so a
    worksheet whose "Maximum Grade" differs from the assignment's points is an error unless
    `rescale`, which scales each score to Moodle's maximum."""
    header, *rows = read_rows(worksheet) or [[]]
    at_id, at_grade = column(header, IDENTIFIER, worksheet), column(header, GRADE, worksheet)
    column(header, MODIFIED, worksheet)
    at_max = header.index(MAXIMUM) if MAXIMUM in header else None
    done = Filled()
    seen = set()
    for row in rows:
        number = participant_number(row[at_id]) if len(row) > at_grade else ""
        student = students.get(number)
        score = scores.get(student) if student else None
        if score is None or not score.submitted:
            done.left_out.append(f"{row[at_id] if row else '(empty row)'}: " + (
                "not collected into this course, grade left as it is" if not student
                else f"{student} has no submission, grade left as it is"))
            continue
        seen.add(student)
        factor = _factor(row[at_max] if at_max is not None else "", score, rescale, row[at_id])
        row[at_grade] = format_score(score.score * factor)
        done.graded[number] = row[at_grade]
    done.left_out += [f"{s}: graded but not in the worksheet" for s in sorted(set(students.values()) - seen)
                      if s in scores and scores[s].submitted]
    write_rows(out, [header, *rows])
    return done


def _factor(moodle_max: str, score: FinalScore, rescale: bool, who: str) -> float:
    try:
        top = round_score(float(moodle_max.replace(",", ".")))
    except ValueError:
        return 1.0  # no maximum in the worksheet: Moodle checks its own
    if top == score.max_score or not score.max_score:
        return 1.0
    if not rescale:
        raise ExportError(f"{who}: Moodle's maximum grade is {format_score(top)} but {score.assignment} is worth "
                          f"{format_score(score.max_score)} points; set the maximum in Moodle, or pass --rescale")
    return top / score.max_score


def feedback_zip(worksheet: Path, out: Path, pages: dict[str, list[Path]], students: dict[str, str]) -> Filled:
    """Write `out`: each collected participant's feedback pages (student id -> pages) under the
    folder Moodle's feedback-zip upload reads as that participant's feedback files."""
    header, *rows = read_rows(worksheet) or [[]]
    at_id = column(header, IDENTIFIER, worksheet)
    at_name = header.index(FULL_NAME) if FULL_NAME in header else None
    done = Filled()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for row in rows:
            number = participant_number(row[at_id]) if row else ""
            own = pages.get(students.get(number, ""), [])
            if not own:
                done.left_out.append(f"{row[at_id] if row else '(empty row)'}: no feedback page")
                continue
            folder = f"{_folder_name(row[at_name] if at_name is not None else '')}_{number}_assignfeedback_file_"
            for page in own:
                archive.write(page, f"{folder}/{page.name}")
            done.graded[number] = ", ".join(p.name for p in own)
    return done


def _folder_name(full_name: str) -> str:
    """The name part of a folder: letters, digits, spaces and '-' only (Moodle reads the number
    after the first '_', and a '/' or '..' would make a path)."""
    return re.sub(r"[^\w \-]|_", "", full_name).strip() or "Participant"
