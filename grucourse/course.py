"""Where a course's files live.

One object answers every "where is X" question so that the CLI, the nbgrader preprocessors and
the Dask workers agree on the layout fixed by SPEC section 1.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from traitlets.config import Config, PyFileConfigLoader


def load_config_file(config_file: Path) -> Config:
    """A course's nbgrader_config.py as traitlets Config (empty when there is none): the one
    reader behind the sandbox limits, the notebook limits and releases, so each part uses the
    settings the instructor wrote."""
    if not config_file.is_file():
        return Config()
    return PyFileConfigLoader(config_file.name, path=str(config_file.parent)).load_config()


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

    def assignments(self) -> list[str]:
        """Every assignment of the course, sorted: each `source/<a>/<a>.ipynb`, and each quiz
        defined by `quizzes/<a>.yaml` (whose notebook `grucourse build` writes). Nothing else
        lists them, so an assignment is added by adding its course files."""
        names = {p.parent.name for p in self.source.glob("*/*.ipynb") if p.stem == p.parent.name}
        return sorted(names | set(self.quiz_assignments()))

    def quiz_assignments(self) -> list[str]:
        """The assignments defined by a quiz file in quizzes/: graded from literal answers."""
        return sorted(p.stem for p in self.quizzes.glob("*.yaml"))

    def code_assignments(self) -> list[str]:
        """The assignments whose code is run in the sandbox and checked by grading_tests/<a>/."""
        return [a for a in self.assignments() if not self.is_quiz(a)]

    def is_quiz(self, assignment: str) -> bool:
        """A quiz is an assignment with a definition `quizzes/<assignment>.yaml`; it is graded from
        literal answers, never by running code."""
        return self.quiz_definition(assignment).is_file()

    def quiz_definition(self, assignment: str) -> Path:
        return self.quizzes / f"{assignment}.yaml"

    def graded_inputs(self, assignment: str) -> list[Path]:
        """The instructor files a grade depends on, in a stable order: the source notebook, and
        the question bank and quizzes for a quiz, grading_tests/<assignment>/ otherwise."""
        roots = [self.question_bank, self.quizzes] if self.is_quiz(assignment) else [self.grading_tests / assignment]
        files = [self.source_notebook(assignment)]
        for root in roots:
            if root.is_dir():
                files += sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        return files

    def simulated_mistakes(self, assignment: str) -> Path:
        """Optional: the typical mistakes the demo class makes in a code assignment (YAML, beside
        the hidden tests, so it never reaches the release)."""
        return self.grading_tests / assignment / "simulated.yaml"

    def source_notebook(self, assignment: str) -> Path:
        return self.source / assignment / f"{assignment}.ipynb"

    def release_notebook(self, assignment: str) -> Path:
        return self.release / assignment / f"{assignment}.ipynb"

    def submission(self, student: str, assignment: str) -> Path:
        return self.submitted / student / assignment / f"{assignment}.ipynb"

    def autograded_notebook(self, student: str, assignment: str) -> Path:
        return self.autograded / student / assignment / f"{assignment}.ipynb"
