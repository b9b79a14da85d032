"""Broken submissions (SPEC section 4, "Bad input"): each gets a clear message naming the student
and the file, never more points than it deserves, and never takes the batch or the gradebook
down with it.

Single submissions go through `grade_submission`; the batch test runs `grucourse grade` twice,
the second time with broken submissions added, and checks that earlier grades survive.
"""
from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import attacks
import nbformat
import pytest
from attacks import course as kit

from grucourse.judge import grade as judge

pytestmark = pytest.mark.slow

FILE = f"{kit.ASSIGNMENT}.ipynb"


def _cell(nb: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    return next(c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id)


def _graded_ids(nb: nbformat.NotebookNode) -> list[str]:
    return [c.metadata.nbgrader["grade_id"] for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade")]


def _edit(change: Callable[[nbformat.NotebookNode], None]) -> Callable[[nbformat.NotebookNode], bytes]:
    """A case built by changing a copy of the notebook in place."""
    def make(nb: nbformat.NotebookNode) -> bytes:
        nb = copy.deepcopy(nb)
        change(nb)
        return nbformat.writes(nb).encode()
    return make


def _first_graded(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    return _cell(nb, _graded_ids(nb)[0])


def _delete_graded(nb: nbformat.NotebookNode) -> None:
    nb.cells.remove(_first_graded(nb))


def _duplicate_graded(nb: nbformat.NotebookNode) -> None:
    """As Jupyter's copy-paste does it: same content and metadata, a new cell id."""
    cell = _first_graded(nb)
    twin = copy.deepcopy(cell)
    twin["id"] = f"{cell.get('id', 'cell')}-copy"
    nb.cells.insert(nb.cells.index(cell) + 1, twin)


def _reorder(nb: nbformat.NotebookNode) -> None:
    nb.cells.reverse()


def _set(key: str, value: object) -> Callable[[nbformat.NotebookNode], None]:
    def change(nb: nbformat.NotebookNode) -> None:
        _first_graded(nb).metadata.nbgrader[key] = value
    return change


def _drop_grade_flag(nb: nbformat.NotebookNode) -> None:
    _first_graded(nb).metadata.nbgrader.pop("grade")


def _neuter_visible_tests(nb: nbformat.NotebookNode) -> None:
    """The plain-nbgrader cheat: empty every visible test cell and fix up its checksum."""
    from nbgrader.utils import compute_checksum

    for grade_id in _graded_ids(nb):
        cell = _cell(nb, grade_id)
        cell.source = "pass"
        cell.metadata.nbgrader["checksum"] = compute_checksum(cell)


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[nbformat.NotebookNode], bytes]
    keywords: tuple[str, ...]            # one of them must appear in the message (case-insensitive)
    code: str = "correct"                 # the student code the notebook carries
    readable: bool = True


CASES = [
    Case("invalid_json", lambda nb: nbformat.writes(nb).encode()[:-200], ("json",), readable=False),
    Case("non_utf8", lambda nb: nbformat.writes(nb).encode().replace(b"sigmoid", b"sigm\xff\xfeid", 1),
         ("utf-8", "utf8", "encod", "decod"), readable=False),
    Case("empty_file", lambda nb: b"", ("empty", "json"), readable=False),
    Case("json_not_a_notebook", lambda nb: json.dumps({"cells": "nope", "hello": [1, 2]}).encode(),
         ("notebook", "nbformat", "valid"), readable=False),
    Case("json_list", lambda nb: b"[1, 2, 3]", ("notebook", "nbformat", "valid"), readable=False),
    Case("deleted_graded_cell", _edit(_delete_graded), ("delet", "missing")),
    Case("duplicated_graded_cell", _edit(_duplicate_graded), ("duplicat", "twice", "more than once")),
    Case("grade_id_renamed", _edit(_set("grade_id", "free_points")), ("free_points", "grade_id", "missing", "unknown")),
    Case("points_raised_to_1000", _edit(_set("points", 1000)), ("point", "metadata")),
    Case("grade_flag_removed", _edit(_drop_grade_flag), ("grade", "metadata", "missing")),
    Case("solution_flag_on_test_cell", _edit(_set("solution", True)), ("solution", "metadata")),
    Case("checksum_edited", _edit(_set("checksum", "0" * 32)), ("checksum", "modified", "changed", "edited")),
    Case("visible_tests_neutered", _edit(_neuter_visible_tests), ("checksum", "modified", "changed", "edited"), code="blank"),
]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Every case graded once; plus the blank and the correct notebook to compare against."""
    course = kit.copy_course(tmp_path_factory.mktemp("broken") / "course")
    release = kit.release_notebook(course)
    notebooks = {"correct": kit.with_code(release, attacks.load("correct").render(), "all"), "blank": release}
    out = {}
    for name, nb in notebooks.items():
        out[name] = judge.grade_submission(course, f"ref_{name}", kit.ASSIGNMENT, kit.submit(course, f"ref_{name}", nb))
    for case in CASES:
        student = f"student_{case.name}"
        path = kit.submit(course, student, case.make(notebooks[case.code]))
        out[case.name] = judge.grade_submission(course, student, kit.ASSIGNMENT, path)
    return out


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_problem_is_reported_naming_student_file_and_cause(graded, case: Case) -> None:
    problems = graded[case.name].problems
    assert problems, f"{case.name}: no problem reported"
    text = " ".join(problems).lower()
    assert f"student_{case.name}" in text and FILE in text, problems
    assert any(k in text for k in case.keywords), problems


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_score_is_bounded_by_the_honest_score(graded, case: Case) -> None:
    """Cells and points come from the source notebook; broken input never earns more."""
    result, ceiling = graded[case.name], graded["blank" if not case.readable else case.code]
    assert set(result.cells) == set(ceiling.cells)
    assert result.max_score == ceiling.max_score
    for grade_id, cell in result.cells.items():
        assert cell.score <= ceiling.cells[grade_id].score + 1e-9, grade_id
    if not case.readable:
        assert result.score == 0


def test_reference_scores_make_the_bounds_meaningful(graded) -> None:
    assert graded["correct"].score == graded["correct"].max_score > graded["blank"].score


def test_reordered_cells_are_still_graded(tmp_path) -> None:
    """Moving cells around is not cheating: the functions exist, so every hidden test runs."""
    course = kit.copy_course(tmp_path / "course")
    nb = kit.with_code(kit.release_notebook(course), attacks.load("correct").render(), "all")
    path = kit.submit(course, "mover", _edit(_reorder)(nb))
    result = judge.grade_submission(course, "mover", kit.ASSIGNMENT, path)
    assert result.score == result.max_score, result.problems


def _grucourse(course: kit.Course, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grucourse.cli", "--course", str(course.root), *args],
                          capture_output=True, text=True, timeout=600)


def _gradebook_scores(course: kit.Course) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url) as gradebook:
        return {s.student.id: s.score for s in gradebook.assignment_submissions(kit.ASSIGNMENT)}


@pytest.mark.timeout(900)
def test_batch_with_broken_submissions_keeps_earlier_grades(tmp_path) -> None:
    course = kit.copy_course(tmp_path / "course")
    release = kit.release_notebook(course)
    correct = kit.with_code(release, attacks.load("correct").render(), "all")
    kit.submit(course, "alice", correct)
    kit.submit(course, "bob", release)
    first = _grucourse(course, "grade", kit.ASSIGNMENT, "--workers", "2")
    assert first.returncode == 0, first.stdout + first.stderr
    before = _gradebook_scores(course)
    assert before["alice"] > before["bob"]

    broken = {"carol": (b"{not json", FILE), "dave": (nbformat.writes(correct).encode(), "GRU_Gates (1).ipynb"),
              "erin": (_edit(_duplicate_graded)(correct), FILE), "frank": (b"\xff\xfe" * 100, FILE)}
    for student, (content, filename) in broken.items():
        kit.submit(course, student, content, filename=filename)
    # Plain ids with every character the id rule allows are graded; folder names that are not
    # plain ids (spaces, non-ASCII, a leading dash, shell syntax) are refused by name, unrun.
    plain_names = ["grace", "o-brien_2.x", "9lives"]
    odd_names = ["Bob Smith", "\u00e9lodie", "-rf", "a;touch pwned", "$(touch pwned)"]
    for student in plain_names + odd_names:
        kit.submit(course, student, correct)
    second = _grucourse(course, "grade", kit.ASSIGNMENT, "--workers", "2")
    output = second.stdout + second.stderr
    after = _gradebook_scores(course)
    assert {k: after[k] for k in before} == before, "earlier grades changed"
    assert {s: after.get(s) for s in plain_names} == {s: before["alice"] for s in plain_names}, "the rest is graded"
    assert not set(odd_names) & set(after), "a folder that is not a plain id reached the gradebook"
    for student in odd_names:
        assert ascii(student) in output, f"refused folder {student!r} not named in:\n{output[-3000:]}"
    assert not list(course.root.rglob("pwned")), "a student folder name was run by a shell"
    assert after["dave"] == before["alice"], "a misnamed but valid notebook is graded (with a warning)"
    for student, (_, filename) in broken.items():
        assert student in output and filename in output, f"{student} / {filename} not named in:\n{output[-3000:]}"
    assert {"carol", "erin", "frank"} <= set(after), "every submission gets a gradebook row"
    assert after["carol"] == after["frank"] == 0


def _grade_in_thread(course: kit.Course, student: str, path, seconds: float):
    """The result, or None if grading had not finished after `seconds` (the thread is left blocked)."""
    import threading

    box = []
    thread = threading.Thread(target=lambda: box.append(judge.grade_submission(course, student, kit.ASSIGNMENT, path)),
                              daemon=True)
    thread.start()
    thread.join(seconds)
    return box[0] if box else None


def test_symlinked_submission_is_refused(tmp_path) -> None:
    """Links survive `tar`/`rsync -a`/`cp -a` imports; the grader runs with more rights than the student."""
    course = kit.copy_course(tmp_path / "course")
    victim = kit.submit(course, "alice", kit.with_code(kit.release_notebook(course), attacks.load("correct").render(), "all"))
    link = course.submission("mallory", kit.ASSIGNMENT)
    link.parent.mkdir(parents=True)
    link.symlink_to(victim)
    result = _grade_in_thread(course, "mallory", link, 120)
    assert result is not None
    assert result.score == 0 and any("mallory" in p and FILE in p for p in result.problems), (result.score, result.problems)


def test_fifo_submission_does_not_hang_the_grader(tmp_path) -> None:
    import os

    course = kit.copy_course(tmp_path / "course")
    fifo = course.submission("mallory", kit.ASSIGNMENT)
    fifo.parent.mkdir(parents=True)
    os.mkfifo(fifo)
    result = _grade_in_thread(course, "mallory", fifo, 10)
    if result is None:  # release the blocked reader so the thread can end
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
    assert result is not None, "grading a FIFO did not finish within 10 s"
    assert result.score == 0 and any("mallory" in p for p in result.problems)


def test_lms_zip_with_escaping_entries_only_places_the_safe_ones(tmp_path) -> None:
    """`grucourse collect`: `../`, absolute, drive-letter and symlink entries are rejected by name,
    nothing is written outside submitted/, and the honest entries are still placed."""
    import stat
    import zipfile

    course = kit.copy_course(tmp_path / "course")
    notebook = nbformat.writes(kit.release_notebook(course)).encode()
    moodle = "{}_{}_assignsubmission_file_/{}"
    evil = ["../../escaped.ipynb", "/tmp/escaped_abs.ipynb", "C:\\escaped.ipynb", "..\\..\\escaped_bs.ipynb",
            moodle.format("Eve Evil", 7, "../../../escaped.ipynb"), "..\\\\_8_9_gru_gates.ipynb"]
    archive = tmp_path / "lms.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(moodle.format("Ada Lovelace", 1, FILE), notebook)
        for name in evil:
            zf.writestr(name, notebook)
        link = zipfile.ZipInfo(moodle.format("Mallory Link", 3, FILE))
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
        zf.writestr(moodle.format("Bob Builder", 2, FILE), notebook)
    mapping = tmp_path / "map.csv"
    mapping.write_text("lms_name,student_id\n1,ada_lovelace\n2,bob_builder\n3,mallory_link\n7,eve_evil\n")
    outside_before = kit.tree_digest(tmp_path, skip=("course",))
    run = _grucourse(course, "collect", str(archive), "--assignment", kit.ASSIGNMENT, "--map", str(mapping))
    output = run.stdout + run.stderr
    assert run.returncode != 0, "rejected entries must make the command fail loudly"
    for name in [*evil[:2], moodle.format("Mallory Link", 3, FILE)]:
        assert repr(name) in output or name in output, f"{name} not named in:\n{output}"
    assert sorted(p.parent.parent.name for p in course.submitted.glob(f"*/{kit.ASSIGNMENT}/{FILE}")) == [
        "ada_lovelace", "bob_builder"]
    assert kit.tree_digest(tmp_path, skip=("course",)) == outside_before
    assert not Path("/tmp/escaped_abs.ipynb").exists()
    placed = {p.relative_to(course.root) for p in course.root.rglob("*.ipynb")} - {
        p.relative_to(course.root) for p in (*course.source.rglob("*.ipynb"), *course.release.rglob("*.ipynb"))}
    assert {str(p) for p in placed} == {f"submitted/{s}/{kit.ASSIGNMENT}/{FILE}" for s in ("ada_lovelace", "bob_builder")}


@pytest.fixture(scope="module")
def nbgrader_course(tmp_path_factory):
    """A course where plain `nbgrader autograde` graded alice (correct) and three broken submissions."""
    course = kit.copy_course(tmp_path_factory.mktemp("broken_nbgrader") / "course")
    subprocess.run([*NBGRADER, "generate_assignment", kit.ASSIGNMENT, "--force"], cwd=course.root,
                   check=True, capture_output=True, timeout=300)
    correct = kit.with_code(kit.release_notebook(course), attacks.load("correct").render(), "all")
    kit.submit(course, "alice", correct)
    for student, content in {"carol": b"{not json", "frank": b"\xff\xfe" * 100,
                             "gina": _edit(_set("points", 1000))(correct)}.items():
        kit.submit(course, student, content)
    return course, correct, _autograde(course)


NBGRADER = [sys.executable, "-m", "nbgrader"]


def _autograde(course: kit.Course) -> str:
    run = subprocess.run([*NBGRADER, "autograde", kit.ASSIGNMENT], cwd=course.root, capture_output=True,
                         text=True, timeout=800)
    return run.stdout + run.stderr


@pytest.mark.timeout(900)
def test_plain_nbgrader_autograde_grades_the_rest_of_a_broken_batch(nbgrader_course) -> None:
    course, _, output = nbgrader_course
    scores = _gradebook_scores(course)
    assert scores["alice"] > 0, output[-3000:]
    for student in ("carol", "frank", "gina"):
        assert student in output, f"{student} not named in:\n{output[-3000:]}"
    assert scores.get("carol", 0) == scores.get("frank", 0) == 0
    assert scores["gina"] <= scores["alice"], scores


@pytest.mark.timeout(900)
def test_plain_nbgrader_autograde_survives_a_duplicated_graded_cell(nbgrader_course) -> None:
    course, correct, _ = nbgrader_course
    kit.submit(course, "erin", _edit(_duplicate_graded)(correct))
    kit.submit(course, "hank", correct)  # graded after erin (students go in name order)
    output = _autograde(course)
    scores = _gradebook_scores(course)
    assert "erin" in output and "hank" in scores and scores["hank"] == scores["alice"], output[-2000:]
