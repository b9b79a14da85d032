"""nbgrader preprocessors that make plain `nbgrader autograde` grade with the trusted judge.

`JudgeNotebook` takes the place of nbgrader's `Execute`: instead of running hidden tests in
the student's kernel it grades the submission with `grade_submission` (or reuses the
pipeline's cached result for exactly these files) and writes what the judge saw into the
notebook. `SaveJudgeGrades` takes the place of `SaveAutoGrades` and stores the judge's
scores, keyed by the source notebook's grade_ids. `SubmissionExporter` and `SourceMetadata`
make nbgrader's sanitize step read a broken submission as the judge does, so one student's file
never stops the batch (docs/architecture.md, "Broken submissions in plain nbgrader").
"""
from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path
from typing import Any

import nbformat
from nbconvert.exporters import NotebookExporter
from nbconvert.exporters.exporter import ResourcesDict
from nbformat import NotebookNode
from nbgrader import utils as nbutils
from nbgrader.api import Gradebook
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor, SaveAutoGrades

from grucourse.cache import ResultCache
from grucourse.course import Course
from grucourse.grading.submission import grade_submission
from grucourse.judge.grade import fingerprint
from grucourse.judge.notebook import NotebookLimits, nbgrader_meta, read_notebook, readable
from grucourse.judge.sandbox import Sandbox
from grucourse.results import CellResult, SubmissionResult
from grucourse.scores import round_score

RESOURCE_KEY = "grucourse_judge"


def _course(config: Any) -> Course:
    return Course.at(CourseDirectory(config=config).root)


class SubmissionExporter(NotebookExporter):
    """nbgrader's notebook exporter, reading submissions by the judge's rules.

    nbgrader opens a submission with nbformat, which follows links, blocks on a FIFO and raises
    on a non-UTF-8, non-JSON, non-notebook or empty file: that student then gets no grades and
    the run ends in a traceback. Here a submission the judge cannot read stands as the release
    notebook, as `grucourse grade` shows it; JudgeNotebook grades the real file (0 points) and
    writes why into the feedback. Files outside submitted/ (nbgrader's second pass reads its own
    autograded/ copy) are read by nbgrader as usual."""

    def from_filename(self, filename: str, resources: dict[str, Any] | None = None,
                      **kw: Any) -> tuple[NotebookNode, dict[str, Any]]:
        course = _course(self.config)
        path = Path(os.path.abspath(filename))
        info: dict[str, Any] = (resources or {}).get("nbgrader", {})
        if not path.is_relative_to(course.submitted) or "assignment" not in info:
            return super().from_filename(filename, resources, **kw)
        nb = readable(path, below=course.submitted) or readable(course.release_notebook(info["assignment"]))
        if nb is None:  # no release either: nbgrader's own error says what is missing
            return super().from_filename(filename, resources, **kw)
        resources = resources if resources is not None else ResourcesDict()
        resources["metadata"] = ResourcesDict(name=path.stem, path=str(path.parent))
        return self.from_notebook_node(nb, resources, **kw)


def report_misnamed_notebooks(assignment: str, student: str, notebooks: list[str]) -> None:
    """nbgrader's `Autograde.pre_convert_hook`: nbgrader grades a notebook only under its source
    name and, for a student with none, says "No notebooks found, did you forget to run
    'nbgrader generate_assignment'?"; this says which file it skipped and what to do."""
    from traitlets.log import get_logger

    for notebook in map(Path, notebooks):
        expected = notebook.parents[3] / "source" / notebook.parent.name
        names = sorted(p.name for p in expected.glob("*.ipynb"))
        if names and notebook.name not in names:
            get_logger().warning(
                "%s/%s/%s: the notebook should be named %s; nbgrader autograde does not grade it under "
                "another name (rename it, or grade with `grucourse grade`, which does)",
                notebook.parent.parent.name, notebook.parent.name, notebook.name, " or ".join(names))


class SourceMetadata(NbGraderPreprocessor):
    """Each cell's nbgrader metadata as the source notebook has it, cells lined up as the judge
    lines them up (grucourse.judge.notebook.assemble): the first cell carrying a source grade_id
    gets that cell's metadata, in the current schema; other nbgrader metadata (an unknown or
    repeated grade_id) is removed, so the cell is an ordinary one. nbgrader's checks otherwise
    stop the whole batch on an old or new schema_version (SchemaTooOldError, SchemaTooNewError)
    and drop the student on metadata its validator rejects; the judge names each such edit."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        info = resources["nbgrader"]
        source = read_notebook(_course(self.config).source / info["assignment"] / f"{info['notebook']}.ipynb")
        expected = {nbgrader_meta(c)["grade_id"]: nbgrader_meta(c) for c in source.cells
                    if nbgrader_meta(c).get("grade_id")}
        for cell in nb.cells:
            if "nbgrader" not in cell.metadata:
                continue
            grade_id = nbgrader_meta(cell).get("grade_id")
            meta = expected.pop(grade_id, None) if isinstance(grade_id, str) else None
            if meta is None:
                del cell.metadata["nbgrader"]
            else:
                cell.metadata["nbgrader"] = nbformat.from_dict(json.loads(json.dumps(meta)))
        return nb, resources


class JudgeNotebook(NbGraderPreprocessor):
    """Grades the submission in the sandbox + trusted pytest session and writes the feedback:
    each student cell gets its captured outputs, each graded cell one stdout stream with its
    score and checks. The scores are stored from the judge's result (SaveJudgeGrades), never
    read back from these outputs, so there is no execute_result (pages showed it as a bare
    `Out[ ]: 0.0`) and no stderr (which nbgrader would read as 0)."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        result = self.judge_result(resources)
        resources[RESOURCE_KEY] = result
        for message in result.problems:
            self.log.warning("%s", message)
        problems_shown = False
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            grade_id = cell.metadata.nbgrader.get("grade_id") if nbutils.is_grade(cell) else None
            graded = result.cells.get(grade_id) if grade_id else None
            if graded is not None:
                cell.outputs = _graded_outputs(graded, [] if problems_shown else result.problems)
                problems_shown = True
            else:
                cell.outputs = [nbformat.from_dict(o) for o in result.cell_outputs.get(str(index), [])]
        return nb, resources

    def judge_result(self, resources: ResourcesDict) -> SubmissionResult:
        """The judge's verdict on this submission (cached while its files are unchanged); a
        subclass that already holds a result overrides this to reuse the rendering above."""
        info = resources["nbgrader"]
        coursedir = CourseDirectory(config=self.config)
        course = Course.at(coursedir.root)
        student, assignment = info["student"], info["assignment"]
        path = course.submitted / student / assignment / f"{info['notebook']}.ipynb"
        cache = ResultCache(course)
        cached = cache.fresh(assignment, student, fingerprint(course, assignment, path))
        if cached is not None:
            self.log.info("Using the judge's cached result for %s/%s", student, assignment)
            return cached
        result = grade_submission(course, student, assignment, path, sandbox=Sandbox(config=self.config),
                                  notebook_limits=NotebookLimits(config=self.config))
        cache.store(result)
        return result


FEEDBACK_WIDTH = 100
"""Feedback lines are wrapped here: formgrader and nbgrader's feedback pages show stream output
in <pre> blocks, where a long hint would run off the page."""


def wrap_feedback(text: str, width: int = FEEDBACK_WIDTH) -> str:
    """Each line wrapped to `width`, continuation lines indented under the line's own text."""
    wrapped = []
    for line in text.splitlines():
        indent = " " * (len(line) - len(line.lstrip()) + 4)
        wrapped.append(textwrap.fill(line, width, subsequent_indent=indent, break_long_words=False,
                                     break_on_hyphens=False) if len(line) > width else line)
    return "\n".join(wrapped) + ("\n" if text.endswith("\n") else "")


def _graded_outputs(cell: CellResult, problems: list[str]) -> list[NotebookNode]:
    text = cell.feedback() + "\n"
    if problems:
        text = "Problems with this submission:\n" + "".join(f"  - {p}\n" for p in problems) + "\n" + text
    return [nbformat.v4.new_output("stream", name="stdout", text=wrap_feedback(text))]


class SaveJudgeGrades(SaveAutoGrades):
    """Stores the judge's score for every cell it graded (code test cells, quiz answer cells),
    so none of them lands in "needs manual grading"; other grade cells keep nbgrader's rule.
    Graded cells the submission lacks (deleted, or an unreadable file) get the judge's 0 too,
    where nbgrader would leave them ungraded."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        nb, resources = super().preprocess(nb, resources)
        result: SubmissionResult | None = resources.get(RESOURCE_KEY)
        present = {cell.metadata.nbgrader["grade_id"] for cell in nb.cells if nbutils.is_grade(cell)}
        missing = [cell for grade_id, cell in (result.cells.items() if result else ()) if grade_id not in present]
        if missing:
            with Gradebook(self.db_url) as self.gradebook:
                for judged in missing:
                    self._store(judged)
        return nb, resources

    def _add_score(self, cell: NotebookNode, resources: ResourcesDict) -> None:
        result: SubmissionResult | None = resources.get(RESOURCE_KEY)
        judged = result.cells.get(cell.metadata["nbgrader"]["grade_id"]) if result else None
        if judged is None:
            super()._add_score(cell, resources)
            return
        self._store(judged)

    def _store(self, judged: CellResult) -> None:
        grade = self.gradebook.find_grade(judged.grade_id, self.notebook_id, self.assignment_id, self.student_id)
        grade.auto_score = round_score(judged.score)  # the precision `grucourse grade` stores
        grade.needs_manual_grade = grade.manual_score is not None
        self.gradebook.db.commit()

