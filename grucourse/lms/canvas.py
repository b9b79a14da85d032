"""Canvas's gradebook import CSV, made from the gradebook export Canvas gives (*Grades ->
Export -> Export entire gradebook*).

Canvas's importer needs the columns "Student", "ID", "SIS User ID", "SIS Login ID" and "Section"
(it finds the student by "ID", Canvas's user id: the number in the submission download), then
one column per assignment headed "Name (assignment id)"; a "Points Possible" row may follow the
header. The file written has those five columns, the assignment's column, the points row, and a
row per collected student with a grade; students without one are left out, so Canvas keeps what
it has for them.
"""
from __future__ import annotations

import re
from pathlib import Path

from grucourse.lms.grades import FinalScore
from grucourse.lms.sheet import ExportError, Filled, column, read_rows, write_rows
from grucourse.scores import format_score

STUDENT_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
POINTS_POSSIBLE = "Points Possible"
ASSIGNMENT_COLUMN = re.compile(r"(?P<name>.+) \((?P<id>\d+)\)")


def assignment_column(header: list[str], assignment: str, chosen: str | None, path: Path) -> str:
    """The export's column for the assignment: `chosen`, or the one "Name (id)" column whose
    name is the assignment's (ignoring case, spaces and '_')."""
    columns = {h: m["name"] for h in header if (m := ASSIGNMENT_COLUMN.fullmatch(h))}
    if chosen:
        if chosen not in header:
            raise ExportError(f"{path}: no column {chosen!r} (assignment columns: {', '.join(map(repr, columns))})")
        return chosen

    def squash(text: str) -> str:
        return re.sub(r"[\s_]+", "", text).casefold()

    named = [h for h, name in columns.items() if squash(name) == squash(assignment)]
    if len(named) != 1:
        raise ExportError(f"{path}: {len(named)} columns named like {assignment!r}; pass --column, one of "
                          f"{', '.join(map(repr, columns)) or 'none: add the assignment in Canvas first'}")
    return named[0]


def gradebook_import(export: Path, out: Path, assignment: str, scores: dict[str, FinalScore],
                     students: dict[str, str], chosen: str | None = None) -> Filled:
    """Write `out` from Canvas's export: the collected students (Canvas user id -> student id,
    else "SIS Login ID" equal to a student id) with their final scores."""
    header, *rows = read_rows(export) or [[]]
    at = [column(header, name, export) for name in STUDENT_COLUMNS]
    target = assignment_column(header, assignment, chosen, export)
    at_score = header.index(target)
    out_rows = [[*STUDENT_COLUMNS, target]]
    done = Filled()
    seen = set()
    for row in rows:
        if len(row) <= max(*at, at_score):
            continue
        if row[at[0]].strip() == POINTS_POSSIBLE:  # Canvas's own points, as exported
            out_rows.append([row[i] for i in at] + [row[at_score]])
            continue
        user_id, login = row[at[1]], row[at[3]]
        student = students.get(user_id) or (login if login in scores else None)
        score = scores.get(student) if student else None
        if score is None or not score.submitted:
            done.left_out.append(f"Canvas user {user_id}: " + ("not collected into this course" if not student
                                                               else f"{student} has no submission"))
            continue
        seen.add(student)
        out_rows.append([row[i] for i in at] + [format_score(score.score)])
        done.graded[user_id] = out_rows[-1][-1]
    done.left_out += [f"{s}: graded but not in the Canvas export" for s, sc in sorted(scores.items())
                      if sc.submitted and s not in seen and s in set(students.values())]
    write_rows(out, out_rows)
    return done
