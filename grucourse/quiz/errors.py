"""Problems found in the question bank or a quiz definition, located for the instructor."""
from __future__ import annotations

from dataclasses import dataclass

from grucourse.errors import CourseError


@dataclass(frozen=True, order=True)
class BankError:
    """One mistake: the file, the 1-based line and the question it belongs to."""

    file: str
    line: int
    question: str
    message: str

    def __str__(self) -> str:
        where = f"question {self.question}" if self.question else "file"
        return f"{self.file}:{self.line}: {where}: {self.message}"


class InvalidBank(CourseError, ValueError):
    """Raised instead of building or grading from a bank that does not validate."""

    def __init__(self, errors: list[BankError]) -> None:
        self.errors = sorted(errors)
        super().__init__("invalid question bank:\n" + "\n".join(str(e) for e in self.errors))
