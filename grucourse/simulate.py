"""Simulated student submissions for the code assignments: the demo class and the benchmarks.

A submission is the *release* notebook with its solution cells filled in. The "correct" profile
pastes the instructor's solutions from `source/`; every other profile applies a few text edits
to them that reproduce one realistic mistake, so each profile differs from a correct answer by
exactly one bug and the grader's hints can be checked against it. The mistakes are course files,
`grading_tests/<assignment>/simulated.yaml`, beside the hidden tests.
"""
from __future__ import annotations

from collections.abc import Mapping

import nbformat
import yaml

from grucourse.course import Course

Edits = dict[str, list[tuple[str, str]]]  # solution grade_id -> [(old text, new text), ...]


def mistakes(course: Course, assignment: str) -> dict[str, Edits]:
    """The assignment's typical mistakes by profile, from its optional course file
    `grading_tests/<assignment>/simulated.yaml` (none when there is no such file)."""
    path = course.simulated_mistakes(assignment)
    if not path.is_file():
        return {}
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    try:
        return {str(profile): {str(grade_id): [(str(e["old"]), str(e["new"])) for e in edits]
                               for grade_id, edits in cells.items()}
                for profile, cells in doc.items()}
    except (AttributeError, KeyError, TypeError):
        raise ValueError(f"{path}: expected profile -> grade_id -> [{{old: ..., new: ...}}, ...]") from None


def profiles(course: Course, assignment: str) -> list[str]:
    """Every simulated profile of a code assignment; "blank" is the release notebook as handed out."""
    return ["correct", "blank", *mistakes(course, assignment)]


BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


def solution_cells(course: Course, assignment: str) -> dict[str, str]:
    """The instructor's answer for each solution cell (by grade_id), without the solution markers."""
    source = nbformat.read(course.source_notebook(assignment), as_version=4)
    return {
        cell.metadata["nbgrader"]["grade_id"]: "\n".join(
            line for line in cell.source.splitlines() if line.strip() not in (BEGIN, END)) + "\n"
        for cell in source.cells
        if _is_solution(cell)
    }


def _is_solution(cell: nbformat.NotebookNode) -> bool:
    return cell.cell_type == "code" and bool(cell.metadata.get("nbgrader", {}).get("solution"))


def fill_solutions(nb: nbformat.NotebookNode, answers: Mapping[str, str]) -> nbformat.NotebookNode:
    """Put `answers` (grade_id -> code) into the matching solution cells of `nb`, in place."""
    for cell in nb.cells:
        if _is_solution(cell) and cell.metadata["nbgrader"]["grade_id"] in answers:
            cell.source = answers[cell.metadata["nbgrader"]["grade_id"]]
    return nb


def answers_for(course: Course, assignment: str, profile: str) -> dict[str, str]:
    """The code a student of this profile writes into each solution cell."""
    known = mistakes(course, assignment)
    if profile not in ("correct", "blank", *known):
        raise ValueError(f"no simulated profile {profile!r} for {assignment} (known: {', '.join(profiles(course, assignment))})")
    if profile == "blank":
        return {}
    answers = solution_cells(course, assignment)
    for grade_id, edits in known.get(profile, {}).items():
        for old, new in edits:
            if old not in answers.get(grade_id, ""):
                raise ValueError(f"profile {profile!r}: {old!r} is not in the solution of {grade_id} "
                                 f"in {course.source_notebook(assignment)}")
            answers[grade_id] = answers[grade_id].replace(old, new, 1)
    return answers


def make_submission(course: Course, assignment: str, profile: str, student_id: str) -> nbformat.NotebookNode:
    """The release notebook as a student of `profile` hands it in.

    The profile and student are recorded in the notebook metadata (graders ignore it) so that
    demo reports and benchmarks can compare scores with the expected ones.
    """
    answers = answers_for(course, assignment, profile)
    nb = fill_solutions(nbformat.read(course.release_notebook(assignment), as_version=4), answers)
    nb.metadata["simulated"] = {"student": student_id, "profile": profile}
    return nb
