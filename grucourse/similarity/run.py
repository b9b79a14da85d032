"""One similarity run over an assignment: collect, rank, write the report."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from grucourse.course import Course
from grucourse.similarity.detect import rank
from grucourse.similarity.report import MAX_PAGES, Row, write
from grucourse.similarity.settings import Options
from grucourse.similarity.sources import Collection, collect


@dataclass
class Outcome:
    out_dir: Path
    collection: Collection
    rows: list[Row]

    @property
    def flagged(self) -> list[Row]:
        return [row for row in self.rows if row.flagged]


def report_dir(course: Course, assignment: str) -> Path:
    return course.reports / "similarity" / assignment


def similarity_report(
    course: Course,
    assignment: str,
    archives: Sequence[Path] = (),
    options: Options | None = None,
    subtract_solution: bool = True,
    max_pages: int = MAX_PAGES,
) -> Outcome:
    options = options if options is not None else Options()
    collection = collect(course, assignment, list(archives), options.settings, subtract_solution)
    pairs = rank(collection.documents, options)
    out_dir = report_dir(course, assignment)
    return Outcome(out_dir, collection, write(out_dir, assignment, collection, pairs, options, max_pages))
