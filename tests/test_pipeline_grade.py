"""`grucourse grade` end to end: real judge, real Dask LocalCluster, real nbgrader gradebook."""
from __future__ import annotations

import json

import nbformat
import pytest
from nbgrader.api import Gradebook
from pipeline_support import code_class, gradebook_scores, max_score, submit

from grucourse.cli import main
from grucourse.judge.manifest import record
from grucourse.pipeline.course_copy import copy_course
from grucourse.simulate import make_submission

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = code_class(tmp_path_factory.mktemp("course"))
    assert main(["--course", str(course.root), "grade", "gru_gates", "--workers", "2"]) == 0
    return course


def test_correct_work_gets_full_marks_and_broken_work_gets_zero(graded):
    scores = gradebook_scores(graded, "gru_gates")
    full = max_score(graded, "gru_gates")
    assert full > 0
    assert scores == {"ok0": full, "ok1": full, "renamed": full, "blank": 0.0, "corrupt": 0.0}


def test_problems_name_the_student_and_the_file(graded, capsys):
    main(["--course", str(graded.root), "grade", "gru_gates"])
    out = capsys.readouterr().out
    assert "corrupt" in out and "gru_gates.ipynb" in out
    assert "renamed/gru_gates/my_work.ipynb" in out  # graded, with a warning about its name


def test_autograded_notebook_shows_the_judges_verdict(graded):
    nb = nbformat.read(graded.autograded_notebook("ok0", "gru_gates"), as_version=4)
    graded_cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert graded_cells and all(c.outputs for c in graded_cells)
    broken = nbformat.read(graded.autograded_notebook("corrupt", "gru_gates"), as_version=4)
    first_graded = next(c for c in broken.cells if c.metadata.get("nbgrader", {}).get("grade"))
    assert "corrupt/gru_gates/gru_gates.ipynb" in first_graded.outputs[0].text  # the problem, named


def test_rerun_reuses_cache_and_regrades_only_changed_work(graded):
    cache = graded.judge_cache / "gru_gates"
    stamps = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.json")}
    rendered = {p.parent.parent.name: p.stat().st_mtime_ns for p in graded.autograded.glob("*/gru_gates/*.ipynb")}
    submit(graded, "ok1", make_submission(graded, "gru_gates", "blank", "ok1"), "gru_gates")
    assert main(["--course", str(graded.root), "grade", "gru_gates"]) == 0
    after = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.json")}
    changed = {name for name in stamps if after[name] != stamps[name]}
    assert changed == {"ok1.json"}
    rerendered = {p.parent.parent.name for p in graded.autograded.glob("*/gru_gates/*.ipynb")
                  if p.stat().st_mtime_ns != rendered[p.parent.parent.name]}
    assert rerendered == {"ok1"}
    assert gradebook_scores(graded, "gru_gates")["ok1"] == 0.0
    submit(graded, "ok1", make_submission(graded, "gru_gates", "correct", "ok1"), "gru_gates")
    assert main(["--course", str(graded.root), "grade", "gru_gates", "--force"]) == 0
    forced = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.json")}
    assert all(forced[name] != after[name] for name in after)
    assert gradebook_scores(graded, "gru_gates")["ok1"] == max_score(graded, "gru_gates")
    assert json.loads((cache / "ok1.json").read_text())["fingerprint"]


def test_broken_hidden_tests_stop_the_run_before_the_gradebook(tmp_path, capsys):
    course = copy_course(tmp_path)
    submit(course, "ann", make_submission(course, "gru_gates", "correct", "ann"), "gru_gates")
    (course.grading_tests / "gru_gates" / "test_zz_mislabelled.py").write_text(
        "import pytest\npytestmark = pytest.mark.grade_id('no_such_cell')\n\n"
        "def test_anything(student):\n    assert True\n")
    record(course.grading_tests)  # the instructor rebuilt after adding it
    assert main(["--course", str(course.root), "grade", "gru_gates", "--workers", "1"]) == 1
    assert "no_such_cell" in capsys.readouterr().out
    with Gradebook(course.db_url) as gradebook:
        assert [a.name for a in gradebook.assignments] == []
