"""nbgrader's generate_assignment releases quiz answer cells as `answer_<id> = None`, key-free."""
from __future__ import annotations

import json
import shutil

import nbformat
import pytest
from course_support import REPO

from grucourse.course import Course
from grucourse.quiz.grade import current_quiz
from grucourse.release import generate

QUIZZES = ("quiz_introduction", "quiz_lstm_vs_gru")


def use_course_config(course: Course) -> None:
    """The repository's nbgrader_config.py, which registers the quiz preprocessor."""
    shutil.copy2(REPO.root / "nbgrader_config.py", course.root / "nbgrader_config.py")


@pytest.mark.parametrize("assignment", QUIZZES)
def test_committed_release_has_answer_stubs_and_no_key(assignment: str) -> None:
    released = nbformat.read(REPO.release_notebook(assignment), as_version=4)
    check_notebook(REPO, assignment, released)


@pytest.mark.slow
def test_release_keeps_answer_stubs_and_no_key(quiz_course: Course) -> None:
    use_course_config(quiz_course)
    for assignment in QUIZZES:
        check_notebook(quiz_course, assignment, generate(quiz_course, assignment))


def check_notebook(quiz_course: Course, assignment: str, released: nbformat.NotebookNode) -> None:
    graded = {c.metadata["nbgrader"]["grade_id"]: c.source for c in released.cells
              if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")
              and c.metadata["nbgrader"].get("solution")}
    quiz = current_quiz(quiz_course, assignment)
    assert graded == {s.id: f"answer_{s.id} = None" for s in quiz.slots}
    text = json.dumps(released)
    assert "NotImplementedError" not in text
    assert not any(q.explanation.strip()[:40] in text for q in quiz.questions)


@pytest.mark.slow
def test_code_assignments_keep_nbgrader_stubs(quiz_course: Course) -> None:
    """The preprocessor only acts on quizzes: a code assignment still gets nbgrader's stub."""
    from nbformat.v4 import new_code_cell, new_notebook

    use_course_config(quiz_course)
    cell = new_code_cell("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION")
    cell.metadata["nbgrader"] = {"grade": False, "grade_id": "f", "locked": False, "schema_version": 3,
                                 "solution": True, "task": False}
    path = quiz_course.source_notebook("gru_gates")
    path.parent.mkdir(parents=True)
    nbformat.write(new_notebook(cells=[cell], metadata={"kernelspec": {"name": "python3", "language": "python",
                                                                       "display_name": "Python 3"}}), path)
    released = generate(quiz_course, "gru_gates")
    assert "raise NotImplementedError()" in released.cells[0].source


@pytest.mark.slow
def test_plain_nbgrader_autograde_grades_quizzes_without_running_them(tmp_path) -> None:
    """`nbgrader generate_assignment` + `nbgrader autograde` in a course copy: key in, full marks."""
    import subprocess

    import numpy as np
    from nbformat.v4 import new_code_cell
    from nbgrader.api import Gradebook

    from grucourse.pipeline.course_copy import copy_course
    from grucourse.quiz.simulate import make_quiz_submission

    course = copy_course(tmp_path / "course")
    canary = tmp_path / "canary"
    for student, accuracy in (("alice", 1.0), ("bob", 0.0)):
        nb = make_quiz_submission(course, "quiz_lstm_vs_gru", student, np.random.default_rng(0), accuracy)
        nb.cells.append(new_code_cell(f"open({str(canary)!r}, 'w')"))
        path = course.submission(student, "quiz_lstm_vs_gru")
        path.parent.mkdir(parents=True)
        nbformat.write(nb, path)
    for command in ("generate_assignment", "autograde"):
        done = subprocess.run(["nbgrader", command, "quiz_lstm_vs_gru", "--force"], cwd=course.root,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-2000:]
    assert not canary.exists()
    with Gradebook(course.db_url) as gradebook:
        alice = gradebook.find_submission("quiz_lstm_vs_gru", "alice")
        bob = gradebook.find_submission("quiz_lstm_vs_gru", "bob")
        assert alice.score == alice.max_score == 4 and bob.score == 0
