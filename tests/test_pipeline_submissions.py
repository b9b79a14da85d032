"""Which notebook of submitted/<student>/<assignment>/ gets graded, and what is reported instead."""
from __future__ import annotations

import pytest

from grucourse.course import Course
from grucourse.pipeline.submissions import find_submissions, submitted_assignments


@pytest.fixture
def course(tmp_path):
    course = Course.at(tmp_path)
    course.source_notebook("gru_gates").parent.mkdir(parents=True)
    course.source_notebook("gru_gates").write_text("{}")
    return course


def put(course: Course, student: str, name: str) -> None:
    path = course.submission(student, "gru_gates").with_name(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{}")


def test_each_case_is_graded_or_named(course, tmp_path):
    put(course, "ann", "gru_gates.ipynb")
    put(course, "bob", "my copy.ipynb")
    put(course, "cat", "a.ipynb")
    put(course, "cat", "b.ipynb")
    course.submission("dan", "gru_gates").parent.mkdir(parents=True)
    (tmp_path / "secret").write_text("x")
    course.submission("eve", "gru_gates").parent.mkdir(parents=True)
    course.submission("eve", "gru_gates").symlink_to(tmp_path / "secret")
    put(course, "zed", "gru_gates.ipynb")
    (course.submitted / "zed" / "unknown_assignment").mkdir()

    assert submitted_assignments(course) == ["gru_gates"]
    found = {s.student: s for s in find_submissions(course, ["gru_gates"])}
    assert list(found) == ["ann", "bob", "cat", "dan", "eve", "zed"]
    assert found["ann"].notebook == course.submission("ann", "gru_gates") and not found["ann"].problems
    assert found["bob"].notebook.name == "my copy.ipynb"  # the judge reports the wrong name
    assert found["cat"].notebook is None and "a.ipynb, b.ipynb" in found["cat"].problems[0]
    assert found["dan"].notebook is None and "gru_gates.ipynb is missing" in found["dan"].problems[0]
    assert found["eve"].notebook is None and "symbolic link" in found["eve"].problems[0]
    assert all(p.startswith(f"{s.student}: submitted/{s.student}/gru_gates") for s in found.values() for p in s.problems)
