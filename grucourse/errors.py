"""The one error type a user can act on.

Anything raised as a CourseError (a missing or invalid course file, a command given what it
cannot use) reaches `grucourse.cli.main`, which prints its message made safe for the terminal and
exits 1; every other exception is a bug and keeps its traceback.
"""
from __future__ import annotations


class CourseError(Exception):
    """A mistake in the course files or on the command line; the message says what to do."""
