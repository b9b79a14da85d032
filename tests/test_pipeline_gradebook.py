"""The single gradebook writer on a real nbgrader SQLite gradebook."""
from __future__ import annotations

import pytest
from nbgrader.api import Gradebook, MissingEntry

from grucourse.pipeline.course_copy import copy_course
from grucourse.pipeline.gradebook import write_gradebook
from grucourse.pipeline.nbgrader_app import register_assignments
from grucourse.results import CellResult, SubmissionResult

pytestmark = pytest.mark.slow  # nbgrader generate_assignment records the quiz first
QUIZ = "quiz_introduction"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = copy_course(tmp_path_factory.mktemp("gradebook"))
    register_assignments(course, [QUIZ])
    return course


def result(student: str, scores: dict[str, float], assignment: str = QUIZ) -> SubmissionResult:
    return SubmissionResult(student, assignment, cells={g: CellResult(g, s, 1.0) for g, s in scores.items()})


def grades(course, student: str) -> dict[str, tuple]:
    with Gradebook(course.db_url) as gradebook:
        return {g.name: (g.auto_score, g.manual_score, g.needs_manual_grade)
                for g in gradebook.find_submission_notebook(QUIZ, QUIZ, student).grades}


def test_scores_land_per_grade_id_and_missing_cells_get_zero(course):
    template = grades_template(course)
    cells = list(template)
    write_gradebook(course, [result("ann", dict.fromkeys(cells, 1.0)), result("bob", {cells[0]: 1.0})])
    # a score lands capped at the cell's points (the quiz's answer check is worth 0)
    assert grades(course, "ann") == {c: (min(1.0, points), None, False) for c, points in template.items()}
    assert any(points == 0 for points in template.values()) and any(points >= 1 for points in template.values())
    bob = grades(course, "bob")
    assert bob[cells[0]] == (1.0, None, False)
    assert {bob[c][0] for c in cells[1:]} == {0.0}


def test_rewrite_keeps_a_manual_score_and_flags_it_for_review(course):
    cells = list(grades_template(course))
    write_gradebook(course, [result("cat", dict.fromkeys(cells, 1.0))])
    with Gradebook(course.db_url) as gradebook:
        gradebook.find_grade(cells[0], QUIZ, QUIZ, "cat").manual_score = 0.5
        gradebook.db.commit()
    write_gradebook(course, [result("cat", dict.fromkeys(cells, 0.0))])
    assert grades(course, "cat")[cells[0]] == (0.0, 0.5, True)
    assert grades(course, "cat")[cells[1]] == (0.0, None, False)


def test_a_failing_write_changes_nothing(course):
    cells = list(grades_template(course))
    with pytest.raises(MissingEntry):
        write_gradebook(course, [result("dan", dict.fromkeys(cells, 1.0)), result("dan", {}, "zz_unknown")])
    with Gradebook(course.db_url) as gradebook, pytest.raises(MissingEntry):
        gradebook.find_student("dan")


@pytest.mark.filterwarnings("ignore:.*not in session")  # nbgrader's own add_submission, the reference
def test_new_submissions_have_the_rows_of_nbgraders_add_submission(course):
    with Gradebook(course.db_url) as gradebook:
        gradebook.add_student("ref")
        gradebook.add_submission(QUIZ, "ref")
    write_gradebook(course, [result("eve", {})])
    assert layout(course, "eve") == layout(course, "ref")
    assert set(grades(course, "eve").values()) == {(0.0, None, False)}


def layout(course, student: str) -> list[tuple]:
    """Per submitted notebook: its name, flag, and the cells holding a grade and a comment."""
    with Gradebook(course.db_url) as gradebook:
        return [(nb.name, nb.flagged, sorted(g.name for g in nb.grades), sorted(c.name for c in nb.comments))
                for nb in gradebook.find_submission(QUIZ, student).notebooks]


def grades_template(course) -> dict[str, float]:
    """grade_id -> points of the quiz's graded cells, in the notebook's order."""
    with Gradebook(course.db_url) as gradebook:
        return {c.name: c.max_score for c in gradebook.find_notebook(QUIZ, QUIZ).grade_cells}
