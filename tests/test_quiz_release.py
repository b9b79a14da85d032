"""nbgrader's generate_assignment releases quiz answer cells as `answer_<id> = None`, key-free."""
from __future__ import annotations

import json

import pytest

from grucourse.course import Course
from grucourse.quiz.grade import current_quiz
from grucourse.release import generate
from test_quiz_fixtures import quiz_course  # noqa: F401  (fixture)

CONFIG = """\
from grucourse.quiz.preprocessors import generate_assignment_preprocessors
c = get_config()
c.GenerateAssignment.preprocessors = generate_assignment_preprocessors()
"""


@pytest.mark.slow
def test_release_keeps_answer_stubs_and_no_key(quiz_course: Course) -> None:
    (quiz_course.root / "nbgrader_config.py").write_text(CONFIG)
    for assignment in ("quiz_introduction", "quiz_lstm_vs_gru"):
        check_release(quiz_course, assignment)


def check_release(quiz_course: Course, assignment: str) -> None:
    released = generate(quiz_course, assignment)
    graded = {c.metadata["nbgrader"]["grade_id"]: c.source for c in released.cells
              if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")}
    quiz = current_quiz(quiz_course, assignment)
    assert graded == {q.id: f"answer_{q.id} = None" for q in quiz.questions}
    text = json.dumps(released)
    assert "NotImplementedError" not in text
    assert not any(q.explanation.strip()[:40] in text for q in quiz.questions)


@pytest.mark.slow
def test_code_assignments_keep_nbgrader_stubs(quiz_course: Course) -> None:
    """The preprocessor only acts on quizzes: a code assignment still gets nbgrader's stub."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    (quiz_course.root / "nbgrader_config.py").write_text(CONFIG)
    cell = new_code_cell("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION")
    cell.metadata["nbgrader"] = {"grade": False, "grade_id": "f", "locked": False, "schema_version": 3,
                                 "solution": True, "task": False}
    path = quiz_course.source_notebook("gru_gates")
    path.parent.mkdir(parents=True)
    nbformat.write(new_notebook(cells=[cell], metadata={"kernelspec": {"name": "python3", "language": "python",
                                                                       "display_name": "Python 3"}}), path)
    released = generate(quiz_course, "gru_gates")
    assert "raise NotImplementedError()" in released.cells[0].source
