"""Plain `nbgrader autograde <assignment>` (the course's nbgrader_config.py) over one class that
holds every broken-input case the judge knows, between honest students: every honest student is
graded, every broken submission is graded no higher than it deserves and named in the output
with its problem, and the run exits 0 (a broken student file is the student's problem, reported
as a warning; only instructor errors end the run with a non-zero status).

The cases are those of tests/test_broken_input.py plus the ones only nbgrader's own sanitize step
tripped over: old or new `schema_version`, metadata its validator rejects, no nbgrader metadata,
a link, a FIFO, a padded notebook.
"""
from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
from collections.abc import Callable

import attacks
import nbformat
import pytest
from attacks import course as kit
from test_broken_input import CASES, FILE, _edit, _first_graded

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(1500),
]

NBGRADER = [sys.executable, "-m", "nbgrader"]
HONEST = ("aa_honest", "mm_honest", "zz_honest")  # before, among and after the broken ones


def _every_nbgrader_cell(change: Callable[[dict], None]) -> Callable[[nbformat.NotebookNode], None]:
    def edit(nb: nbformat.NotebookNode) -> None:
        for cell in nb.cells:
            if "nbgrader" in cell.metadata:
                change(cell.metadata)
    return edit


def _schema(version: int) -> Callable[[nbformat.NotebookNode], None]:
    return _every_nbgrader_cell(lambda meta: meta.nbgrader.update(schema_version=version))


def _drop_grade_id(nb: nbformat.NotebookNode) -> None:
    del _first_graded(nb).metadata.nbgrader["grade_id"]


def _points_not_a_number(nb: nbformat.NotebookNode) -> None:
    _first_graded(nb).metadata.nbgrader["points"] = "lots"


def _padded(nb: nbformat.NotebookNode) -> None:
    nb.cells += [nbformat.v4.new_markdown_cell("") for _ in range(10_001)]


# student -> (how the file is made from the correct notebook, file name, words one of which the
# line naming the student must contain)
EXTRA: dict[str, tuple[Callable[[nbformat.NotebookNode], bytes], str, tuple[str, ...]]] = {
    "schema_version_1": (_edit(_schema(1)), FILE, ("schema_version",)),
    "schema_version_2": (_edit(_schema(2)), FILE, ("schema_version",)),
    "schema_version_9": (_edit(_schema(9)), FILE, ("schema_version",)),
    "grade_id_removed": (_edit(_drop_grade_id), FILE, ("unknown", "deleted")),
    "points_not_a_number": (_edit(_points_not_a_number), FILE, ("points",)),
    "nbgrader_metadata_removed": (_edit(_every_nbgrader_cell(lambda meta: meta.pop("nbgrader"))), FILE,
                                  ("deleted",)),
    "padded_with_10001_cells": (_edit(_padded), FILE, ("cells",)),
    "wrong_notebook_name": (lambda nb: nbformat.writes(nb).encode(), "GRU_Gates (1).ipynb",
                            ("gru_gates (1).ipynb: the notebook should be named gru_gates.ipynb",)),
}


def _gradebook(course: kit.Course) -> dict[str, tuple[float, float, int]]:
    """student -> (score, max score, graded cells still waiting for a manual grade)."""
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url) as gradebook:
        out = {}
        for sub in gradebook.assignment_submissions(kit.ASSIGNMENT):
            waiting = sum(bool(g.needs_manual_grade) for nb in sub.notebooks for g in nb.grades)
            out[sub.student.id] = (sub.score, sub.max_score, waiting)
        return out


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    course = kit.copy_course(tmp_path_factory.mktemp("broken_class") / "course")
    subprocess.run([*NBGRADER, "generate_assignment", kit.ASSIGNMENT, "--force"], cwd=course.root,
                   check=True, capture_output=True, timeout=300)
    release = kit.release_notebook(course)
    correct = kit.with_code(release, attacks.load("correct").render(), "all")
    honest_paths = [kit.submit(course, student, correct) for student in HONEST]
    keywords = {}
    for case in CASES:
        kit.submit(course, f"student_{case.name}", case.make(correct if case.code == "correct" else release))
        keywords[f"student_{case.name}"] = case.keywords
    for name, (make, filename, words) in EXTRA.items():
        kit.submit(course, f"student_{name}", make(correct), filename=filename)
        keywords[f"student_{name}"] = words
    reordered = copy.deepcopy(correct)
    reordered.cells.reverse()
    kit.submit(course, "student_reordered_cells", reordered)
    keywords["student_reordered_cells"] = ("reordered",)
    link = course.submission("student_symlink", kit.ASSIGNMENT)
    link.parent.mkdir(parents=True)
    link.symlink_to(honest_paths[0])
    keywords["student_symlink"] = ("symbolic link",)
    fifo = course.submission("student_fifo", kit.ASSIGNMENT)
    fifo.parent.mkdir(parents=True)
    os.mkfifo(fifo)
    keywords["student_fifo"] = ("not a regular file",)
    extras = kit.submit(course, EXTRA_FILES, correct).parent
    secret = tmp_path_factory.mktemp("outside") / "secret.txt"
    secret.write_text(CANARY)
    (extras / "secret.txt").symlink_to(secret)
    (extras / "linked_folder").symlink_to(course.root / "source")
    os.mkfifo(extras / "pipe.dat")
    (extras / "notes.txt").write_text("my notes")
    keywords[EXTRA_FILES] = ("not a regular file",)
    run = subprocess.run([*NBGRADER, "autograde", kit.ASSIGNMENT], cwd=course.root, capture_output=True,
                         text=True, timeout=1400)
    return {"course": course, "run": run, "output": run.stdout + run.stderr, "keywords": keywords,
            "scores": _gradebook(course)}


MISNAMED = "student_wrong_notebook_name"
EXTRA_FILES = "student_extra_links"  # a correct notebook beside a link to a secret, a linked folder and a FIFO
CANARY = "CANARY-secret-outside-the-submission"


def test_run_goes_on_and_fails_only_for_the_notebook_nbgrader_cannot_name(graded_class) -> None:
    """nbgrader grades notebooks by file name: the misnamed one is the only error (and the exit
    status 1); every other broken file is a warning."""
    output = graded_class["output"]
    failed = re.findall(r"There was an error processing assignment '[^']*' for student '([^']*)'", output)
    assert failed == [MISNAMED] and graded_class["run"].returncode == 1, output[-4000:]
    assert output.count("Traceback") == 1, output[-4000:]


def test_every_honest_student_is_graded_in_full(graded_class) -> None:
    scores = graded_class["scores"]
    for student in HONEST:
        score, max_score, waiting = scores[student]
        assert score == max_score > 0 and waiting == 0, (student, scores[student])


def test_every_broken_submission_is_named_with_its_problem(graded_class) -> None:
    lines = graded_class["output"].lower().splitlines()
    for student, words in graded_class["keywords"].items():
        named = [line for line in lines if student in line and "warning" in line]
        assert any(word in line for line in named for word in words), (
            f"{student}: no warning with one of {words}:\n" + "\n".join(named or lines[-40:]))


def test_every_broken_submission_is_in_the_gradebook_with_no_more_than_it_deserves(graded_class) -> None:
    scores = graded_class["scores"]
    full = scores[HONEST[0]][0]
    for student in set(graded_class["keywords"]) - {MISNAMED}:
        score, max_score, waiting = scores[student]
        assert waiting == 0, f"{student}: {waiting} graded cells left waiting for a manual grade"
        assert score <= full and max_score == scores[HONEST[0]][1], (student, scores[student])
    for student in ("student_invalid_json", "student_non_utf8", "student_empty_file", "student_json_list",
                    "student_json_not_a_notebook", "student_symlink", "student_fifo",
                    "student_padded_with_10001_cells"):
        assert scores[student][0] == 0, (student, scores[student])


def test_old_schema_and_reordered_cells_cost_nothing(graded_class) -> None:
    """Metadata from an older nbgrader and moved cells change nothing the judge runs."""
    scores = graded_class["scores"]
    for student in ("student_schema_version_1", "student_schema_version_2", "student_reordered_cells"):
        assert scores[student][0] == scores[HONEST[0]][0], (student, scores[student])


def test_graded_notebook_of_an_unreadable_file_says_why(graded_class) -> None:
    """The feedback the student gets is the release notebook with the judge's reason in it."""
    course = graded_class["course"]
    graded = nbformat.read(course.autograded_notebook("student_invalid_json", kit.ASSIGNMENT), as_version=4)
    text = "".join(o.get("text", "") for c in graded.cells if c.cell_type == "code" for o in c.outputs)
    assert re.search(r"student_invalid_json/gru_gates/gru_gates\.ipynb is not valid JSON", text), text[:2000]


def test_links_and_fifos_beside_a_notebook_are_not_copied(graded_class) -> None:
    """nbgrader copies a submission's other files into autograded/ with shutil.copy, which follows
    links (a classmate's notebook, a secret) and blocks on a FIFO: only regular files are copied."""
    course = graded_class["course"]
    graded = course.autograded_notebook(EXTRA_FILES, kit.ASSIGNMENT).parent
    assert (graded / "notes.txt").read_text() == "my notes"
    assert not any((graded / name).exists() or (graded / name).is_symlink()
                   for name in ("secret.txt", "pipe.dat", "linked_folder"))
    assert not any(CANARY in path.read_text(errors="replace") for path in graded.rglob("*") if path.is_file())
    scores = graded_class["scores"]
    assert scores[EXTRA_FILES][0] == scores[HONEST[0]][0]
