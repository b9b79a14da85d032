"""Grading a whole class: judge on Dask, cache every result, then write nbgrader's files once.

Judging is the expensive, parallel part and happens on Dask workers; everything that writes
shared state (the gradebook, `autograded/`) happens afterwards in this one process.
Results are cached as they arrive, so a run killed half-way is resumed by running it again.
"""
from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console

from grucourse.course import Course
from grucourse.pipeline.autograded import write_autograded
from grucourse.pipeline.cache import ResultCache
from grucourse.pipeline.gradebook import write_gradebook
from grucourse.pipeline.nbgrader_app import register_assignments
from grucourse.pipeline.submissions import Submission
from grucourse.judge.grade import GradingSetupError, fingerprint
from grucourse.pipeline.work import failed, judge_submission
from grucourse.results import SubmissionResult


@dataclass
class Graded:
    """A submission with its result; `reused` when the result came from the resume cache."""

    submission: Submission
    result: SubmissionResult
    reused: bool = False


@dataclass
class ClassGrading:
    """One grading run over a list of submissions."""

    course: Course
    force: bool = False
    scheduler: str | None = None
    workers: int | None = None
    console: Console | None = None

    def run(self, submissions: list[Submission]) -> list[Graded]:
        graded, todo = self.plan(submissions)
        if todo:
            graded += self.judge_on_dask(todo)
        graded.sort(key=lambda g: (g.result.assignment, g.result.student))
        register_assignments(self.course, sorted({g.result.assignment for g in graded}))
        write_gradebook(self.course, [g.result for g in graded])
        for g in graded:
            if not (g.reused and self.rendered(g.result)):
                write_autograded(self.course, g.submission.notebook, g.result)
        return graded

    def rendered(self, result: SubmissionResult) -> bool:
        """The graded notebook was written after its cached result (a resumed run skips it)."""
        notebook = self.course.autograded_notebook(result.student, result.assignment)
        cached = ResultCache(self.course).path(result.assignment, result.student)
        return notebook.is_file() and notebook.stat().st_mtime_ns >= cached.stat().st_mtime_ns

    def plan(self, submissions: list[Submission]) -> tuple[list[Graded], list[Submission]]:
        """Split into results known already (fresh cache, nothing to grade) and work for Dask."""
        cache = ResultCache(self.course)
        known: list[Graded] = []
        todo: list[Submission] = []
        for sub in submissions:
            if sub.notebook is None:
                known.append(Graded(sub, failed(sub.student, sub.assignment, *sub.problems)))
                continue
            cached = None if self.force else cache.fresh(
                sub.assignment, sub.student, fingerprint(self.course, sub.assignment, sub.notebook))
            if cached is None:
                todo.append(sub)
            else:
                known.append(Graded(sub, cached, reused=True))
        return known, todo

    def judge_on_dask(self, todo: list[Submission]) -> list[Graded]:
        """Submit one task per submission; cache each result the moment it comes back."""
        from distributed import as_completed

        from grucourse.pipeline.cluster import dask_client
        from grucourse.pipeline.progress import grading_progress

        cache = ResultCache(self.course)
        graded: list[Graded] = []
        with dask_client(self.scheduler, self.workers) as client, grading_progress(len(todo), self.console) as bar:
            futures = {
                client.submit(judge_submission, str(self.course.root), sub.student, sub.assignment,
                              str(sub.notebook), pure=False): sub
                for sub in todo
            }
            for future in as_completed(futures):
                sub = futures[future]
                try:
                    result = SubmissionResult.from_json(future.result())
                except GradingSetupError:
                    raise  # the instructor's files are wrong: stop before the gradebook is touched
                except Exception as exc:  # a lost worker costs this submission, not the batch
                    result = failed(sub.student, sub.assignment,
                                    f"{sub.student}: {sub.notebook}: worker failed: {type(exc).__name__}: {exc}")
                if result.fingerprint:
                    cache.store(result)
                bar.advance(failed=bool(result.problems))
                graded.append(Graded(sub, result))
        return graded

