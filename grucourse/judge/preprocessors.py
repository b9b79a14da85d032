"""nbgrader preprocessors that make plain `nbgrader autograde` grade with the trusted judge.

`JudgeNotebook` takes the place of nbgrader's `Execute`: instead of running hidden tests in
the student's kernel it grades the submission with `grade_submission` (or reuses the
pipeline's cached result for exactly these files) and writes what the judge saw into the
notebook. `SaveJudgeGrades` takes the place of `SaveAutoGrades` and stores the judge's
scores, keyed by the source notebook's grade_ids.
"""
from __future__ import annotations

import textwrap

import nbformat
from nbconvert.exporters.exporter import ResourcesDict
from nbformat import NotebookNode
from nbgrader import utils as nbutils
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import DeduplicateIds, NbGraderPreprocessor, SaveAutoGrades

from grucourse.course import Course
from grucourse.results import CellResult, SubmissionResult

RESOURCE_KEY = "grucourse_judge"


class DropDuplicateIds(DeduplicateIds):
    """nbgrader's DeduplicateIds leaves `{}` as the nbgrader metadata of a copied graded cell,
    which nbgrader's own validation rejects, aborting `nbgrader autograde` for the rest of the
    batch. Removing the key makes the copy an ordinary cell (the judge reports the copy)."""

    def preprocess_cell(self, cell: NotebookNode, resources: ResourcesDict,
                        cell_index: int) -> tuple[NotebookNode, ResourcesDict]:
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        if cell.metadata.get("nbgrader") == {}:
            del cell.metadata["nbgrader"]
        return cell, resources


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
        from grucourse.judge.grade import fingerprint, grade_submission
        from grucourse.judge.sandbox import Sandbox
        from grucourse.pipeline.cache import ResultCache

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
        result = grade_submission(course, student, assignment, path, sandbox=Sandbox(config=self.config))
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
    so none of them lands in "needs manual grading"; other grade cells keep nbgrader's rule."""

    def _add_score(self, cell: NotebookNode, resources: ResourcesDict) -> None:
        result: SubmissionResult | None = resources.get(RESOURCE_KEY)
        judged = result.cells.get(cell.metadata["nbgrader"]["grade_id"]) if result else None
        if judged is None:
            super()._add_score(cell, resources)
            return
        grade = self.gradebook.find_grade(judged.grade_id, self.notebook_id, self.assignment_id, self.student_id)
        grade.auto_score = judged.score
        grade.needs_manual_grade = grade.manual_score is not None
        self.gradebook.db.commit()

