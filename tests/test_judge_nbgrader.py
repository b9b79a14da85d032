"""Plain `nbgrader autograde` with the repository's nbgrader_config.py grades through the judge."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from judge_fixtures import toy_course as toy
from nbgrader.api import Gradebook

from grucourse.grading.preprocessors import SaveJudgeGrades
from grucourse.results import CellResult

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def nbgrader(course_root: Path, *args: str) -> None:
    subprocess.run(["nbgrader", *args], cwd=course_root, check=True, capture_output=True, timeout=300)


def test_plain_nbgrader_autograde_stores_the_judges_scores(tmp_path: Path) -> None:
    course = toy.make_course(tmp_path)
    shutil.copy(REPO / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    nbgrader(tmp_path, "generate_assignment", toy.ASSIGNMENT)
    toy.submit(course, "good")
    toy.submit(course, "half", {"scale_solution": "def scale(x, k):\n    return x + k"})
    # Passes every visible and kernel-side check that compares with ==.
    toy.submit(course, "cheat", {
        "square_solution": "class Anything:\n    def __eq__(self, other):\n        return True\n"
                           "def square(x):\n    return Anything()",
        "scale_solution": "def scale(x, k):\n    return square(x)"})
    nbgrader(tmp_path, "autograde", toy.ASSIGNMENT)

    with Gradebook(course.db_url) as gradebook:
        scores = {s: {g.name: (g.auto_score, g.needs_manual_grade)
                      for g in gradebook.find_submission(toy.ASSIGNMENT, s).notebooks[0].grades}
                  for s in ("good", "half", "cheat")}
    assert scores["good"] == {"square_tests": (3.0, False), "scale_tests": (2.0, False)}
    assert scores["half"] == {"square_tests": (3.0, False), "scale_tests": (0.0, False)}
    assert scores["cheat"] == {"square_tests": (0.0, False), "scale_tests": (0.0, False)}

    graded = json.loads(course.autograded_notebook("half", toy.ASSIGNMENT).read_text())
    test_cell = graded["cells"][4]
    # One stdout stream holding the score and the checks; no bare execute_result ("Out[ ]: 0.0").
    assert [(o["output_type"], o.get("name")) for o in test_cell["outputs"]] == [("stream", "stdout")]
    assert "".join(test_cell["outputs"][0]["text"]).startswith("scale_tests: 0 / 2 points\n")
    assert "[FAIL] scale values: scale returned wrong values" in "".join(test_cell["outputs"][0]["text"])
    assert not any(o.get("name") == "stderr" for c in graded["cells"] for o in c.get("outputs", [])
                   if c["metadata"].get("nbgrader", {}).get("grade"))
    cached = course.judge_cache / toy.ASSIGNMENT / "half.json"
    assert json.loads(cached.read_text())["cells"]["scale_tests"]["score"] == 0.0

    # A partial score (two of three checks) is stored at the fixed precision, as `grucourse grade` stores it.
    saver = SaveJudgeGrades(db_url=course.db_url)
    saver.notebook_id, saver.assignment_id, saver.student_id = toy.ASSIGNMENT, toy.ASSIGNMENT, "half"
    with Gradebook(course.db_url) as saver.gradebook:
        saver._store(CellResult("square_tests", 3.0 * 2 / 3 - 1e-9, 3.0))
    with Gradebook(course.db_url) as gradebook:
        grade = gradebook.find_grade("square_tests", toy.ASSIGNMENT, toy.ASSIGNMENT, "half")
        assert grade.auto_score == 2.0 and grade.score == 2.0
        saver.gradebook = gradebook
        saver._store(CellResult("square_tests", 3.0 / 7, 3.0))
        assert gradebook.find_grade("square_tests", toy.ASSIGNMENT, toy.ASSIGNMENT, "half").auto_score == 0.43
