"""The repository's own course, as the tests read it."""
from __future__ import annotations

from pathlib import Path

from grucourse.course import Course

REPO = Course.at(Path(__file__).resolve().parents[1])
