"""Errors that stop a whole grading run, in a module that imports nothing of the judge (the
sandbox raises one, and the hidden-test runner that defines the others imports the sandbox)."""
from __future__ import annotations

from grucourse.errors import CourseError


class GradingSetupError(CourseError):
    """The instructor's side is wrong (hidden tests missing, broken or mislabelled), or the
    grading machine is: every submission graded with it would be wrongly graded."""
