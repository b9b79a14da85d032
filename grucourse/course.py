"""Where a course's files live.

One object answers every "where is X" question so that the CLI, the nbgrader preprocessors and
the Dask workers agree on the layout fixed by SPEC section 1.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from traitlets.config import Config, PyFileConfigLoader

CODE_ASSIGNMENTS = ("gru_gates", "gru_bptt", "gru_variants")
QUIZ_ASSIGNMENTS = ("quiz_introduction", "quiz_lstm_vs_gru")
ASSIGNMENTS = CODE_ASSIGNMENTS + QUIZ_ASSIGNMENTS


def load_config_file(config_file: Path) -> Config:
    """A course's nbgrader_config.py as traitlets Config (empty when there is none): the one
    reader behind the sandbox limits, the notebook limits and releases, so each part uses the
    settings the instructor wrote."""
    if not config_file.is_file():
        return Config()
    return PyFileConfigLoader(config_file.name, path=str(config_file.parent)).load_config()


def is_quiz(assignment: str) -> bool:
    """Quizzes are graded from literal answers, never by running code."""
    return assignment.startswith("quiz_")


@dataclass(frozen=True)
class Course:
    """A course directory in nbgrader's layout (the repository itself, or a demo copy)."""

    root: Path

    @classmethod
    def at(cls, root: str | Path = ".") -> Course:
        return cls(Path(root).resolve())

    @property
    def source(self) -> Path:
        return self.root / "source"

    @property
    def release(self) -> Path:
        return self.root / "release"

    @property
    def submitted(self) -> Path:
        return self.root / "submitted"

    @property
    def autograded(self) -> Path:
        return self.root / "autograded"

    @property
    def feedback(self) -> Path:
        return self.root / "feedback"

    @property
    def grading_tests(self) -> Path:
        return self.root / "grading_tests"

    @property
    def question_bank(self) -> Path:
        return self.root / "question_bank"

    @property
    def quizzes(self) -> Path:
        return self.root / "quizzes"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def gradebook(self) -> Path:
        return self.root / "gradebook.db"

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.gradebook}"

    @property
    def judge_cache(self) -> Path:
        """Judge results per submission, written by workers, read by the single gradebook writer."""
        return self.root / ".judge_cache"

    def source_notebook(self, assignment: str) -> Path:
        return self.source / assignment / f"{assignment}.ipynb"

    def release_notebook(self, assignment: str) -> Path:
        return self.release / assignment / f"{assignment}.ipynb"

    def submission(self, student: str, assignment: str) -> Path:
        return self.submitted / student / assignment / f"{assignment}.ipynb"

    def autograded_notebook(self, student: str, assignment: str) -> Path:
        return self.autograded / student / assignment / f"{assignment}.ipynb"
