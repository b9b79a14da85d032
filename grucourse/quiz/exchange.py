"""nbgrader exchange plugin writing each student's own quiz notebook at fetch time.

In the course's nbgrader_config.py (and the students' central config on the hub):

    c.ExchangeFactory.fetch_assignment = "grucourse.quiz.exchange.PersonalisedFetch"

After nbgrader's own fetch has copied the released files, every quiz notebook among them is
rewritten for the fetching user (nbgrader's `get_username`, the login that `submit` will put on
the submission) from the public view released beside it; the view is removed from the student's
copy. Other assignments are left exactly as fetched. Nothing secret is needed or available here:
the draw is recomputed from the submitter's id when grading.
"""
from __future__ import annotations

from pathlib import Path

from nbgrader.exchange.default.fetch_assignment import ExchangeFetchAssignment
from nbgrader.utils import get_username

from grucourse.quiz.draw import VIEW_FILE
from grucourse.quiz.personalise import personalise_file, read_view


class PersonalisedFetch(ExchangeFetchAssignment):
    """nbgrader's fetch, then the quiz notebooks personalised for the user fetching them."""

    def copy_files(self) -> None:
        super().copy_files()
        personalise_folder(Path(self.dest_path), get_username(), self.log)


def personalise_folder(folder: Path, student_id: str, log: object | None = None) -> list[Path]:
    """Personalise every quiz notebook in `folder` for `student_id`; the notebooks rewritten."""
    view_path = folder / VIEW_FILE
    if not view_path.is_file():
        return []
    view = read_view(folder)
    done = [path for path in sorted(folder.glob("*.ipynb")) if personalise_file(path, student_id, view)]
    view_path.unlink()
    if log is not None:
        for path in done:
            log.info(f"Personalised {path.name} for {student_id}")  # type: ignore[attr-defined]
    return done
