"""Grading a whole class: judge in parallel, cache every result, then write nbgrader's files once.

Judging is the expensive, parallel part: code submissions run on Dask workers, quizzes (graded
from literal answers, nothing executed) in local processes, where they need no cluster.
Everything that writes shared state happens in this one process: each result is cached and its
graded notebook (`autograded/`) written as it arrives, and the gradebook is written at the end
in one transaction. A run killed half-way is resumed by running it again.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from rich.console import Console

from grucourse.cache import ResultCache
from grucourse.course import Course
from grucourse.judge.grade import GradingSetupError, fingerprint
from grucourse.pipeline.autograded import render_autograded, save_autograded
from grucourse.pipeline.gradebook import write_gradebook
from grucourse.pipeline.nbgrader_app import register_assignments
from grucourse.pipeline.progress import GradingProgress, grading_progress
from grucourse.pipeline.submissions import Submission
from grucourse.pipeline.work import course_view, failed, judge_submission
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
    dashboard: bool = False
    console: Console | None = None

    def run(self, submissions: list[Submission]) -> list[Graded]:
        known, todo = self.plan(submissions)
        graded = self.judge(todo) if todo else []
        for g in known:
            self.render(g)
        graded += known
        graded.sort(key=lambda g: (g.result.assignment, g.result.student))
        register_assignments(self.course, sorted({g.result.assignment for g in graded}))
        write_gradebook(self.course, [g.result for g in graded])
        return graded

    def render(self, g: Graded) -> None:
        """Write the graded notebook, unless a resumed run already wrote it from this cached result."""
        notebook = self.course.autograded_notebook(g.result.student, g.result.assignment)
        if g.reused and notebook.is_file():
            cached = ResultCache(self.course).path(g.result.assignment, g.result.student)
            if notebook.stat().st_mtime_ns >= cached.stat().st_mtime_ns:
                return
        text = render_autograded(self.course, g.submission.notebook, g.result)
        if text is not None:
            save_autograded(self.course, g.result, text)

    def plan(self, submissions: list[Submission]) -> tuple[list[Graded], list[Submission]]:
        """Split into results known already (fresh cache, nothing to grade) and work for the workers."""
        cache = ResultCache(self.course)
        known: list[Graded] = []
        todo: list[Submission] = []
        for sub in submissions:
            if sub.notebook is None:
                known.append(Graded(sub, failed(sub.student, sub.assignment, *sub.problems)))
                continue
            cached = None
            if not self.force and cache.path(sub.assignment, sub.student).is_file():  # else no hash to compare
                cached = cache.fresh(sub.assignment, sub.student, fingerprint(self.course, sub.assignment, sub.notebook))
            if cached is None:
                todo.append(sub)
            else:
                known.append(Graded(sub, cached, reused=True))
        return known, todo

    def judge(self, todo: list[Submission]) -> list[Graded]:
        """Code on Dask (a single submission without --scheduler in this process: starting a
        cluster costs more than judging it), then quizzes in local processes, under one bar."""
        code = [sub for sub in todo if not self.course.is_quiz(sub.assignment)]
        quizzes = [sub for sub in todo if self.course.is_quiz(sub.assignment)]
        check_quizzes(self.course, sorted({sub.assignment for sub in quizzes}))
        with grading_progress(len(todo), self.console) as bar:
            if len(code) == 1 and not self.scheduler:
                graded = self.judge_here(code, bar)
            else:
                graded = self.judge_on_dask(code, bar) if code else []
            return graded + (self.judge_locally(quizzes, bar) if quizzes else [])

    def judge_on_dask(self, todo: list[Submission], bar: GradingProgress) -> list[Graded]:
        """One Dask task per submission on the cluster (`--scheduler`) or a local one, named
        `grade-<assignment>-<student>-<hash>`; each is released once its result is written, so a
        worker lost later costs only what it was running."""
        from distributed import as_completed

        from grucourse.pipeline.cluster import dask_client

        with dask_client(self.scheduler, self.workers, self.dashboard) as client:
            if self.dashboard and self.console is not None:
                self.console.print(f"Dask dashboard: {client.dashboard_link}", markup=False, soft_wrap=True)
            futures = {}
            for sub in todo:
                args = self.task(sub)
                futures[client.submit(judge_submission, *args, key=task_key(sub, args[-1]), pure=False)] = sub
            return self.collect(futures, as_completed(futures), bar, release=lambda future: future.release())

    def judge_locally(self, todo: list[Submission], bar: GradingProgress) -> list[Graded]:
        """The same task in local processes: nothing is executed, so no worker needs a sandbox."""
        from concurrent.futures import as_completed

        from grucourse.pipeline.local import local_pool

        with local_pool(self.workers) as pool:
            futures = {pool.submit(judge_submission, *self.task(sub)): sub for sub in todo}
            return self.collect(futures, as_completed(futures), bar)

    def judge_here(self, todo: list[Submission], bar: GradingProgress) -> list[Graded]:
        """The same task in this process (its warm sandbox pool included)."""
        futures: dict[Any, Submission] = {}
        for sub in todo:
            future: Future[tuple[str, str | None]] = Future()
            future.set_result(judge_submission(*self.task(sub)))
            futures[future] = sub
        return self.collect(futures, list(futures), bar)

    def task(self, sub: Submission) -> tuple[str, str, str, str, dict[str, str]]:
        """Arguments of `work.judge_submission`: plain strings, so any worker can take them, and
        the files as this machine sees them, which the worker checks against its own."""
        assert sub.notebook is not None
        return (str(self.course.root), sub.student, sub.assignment, str(sub.notebook),
                course_view(self.course, sub.assignment, sub.notebook))

    def collect(self, futures: dict[Any, Submission], done: Iterable[Any], bar: GradingProgress,
                release: Callable[[Any], None] = lambda future: None) -> list[Graded]:
        """Cache each result and write its graded notebook the moment it comes back (`futures` and
        `done` are Dask's or concurrent.futures', which answer `result()` alike), then `release`
        the future and forget it."""
        cache = ResultCache(self.course)
        graded: list[Graded] = []
        for future in done:
            sub = futures.pop(future)
            try:
                result_json, graded_notebook = future.result()
                result = SubmissionResult.from_json(result_json)
            except GradingSetupError:
                raise  # the instructor's files are wrong: stop before the gradebook is touched
            except Exception as exc:  # a lost worker costs this submission, not the batch
                result = failed(sub.student, sub.assignment,
                                f"{sub.student}: {sub.notebook}: worker failed: {type(exc).__name__}: {exc}")
                graded_notebook = render_autograded(self.course, sub.notebook, result)
            if result.fingerprint:
                cache.store(result)
            if graded_notebook is not None:
                save_autograded(self.course, result, graded_notebook)  # after the cache entry
            release(future)
            graded.append(Graded(sub, result))
            bar.advance(failed=bool(result.problems))
        return graded


def task_key(sub: Submission, view: dict[str, str]) -> str:
    """The Dask key of a submission's task: readable on the dashboard, unique per content."""
    digest = hashlib.sha256(json.dumps(view, sort_keys=True).encode()).hexdigest()[:12]
    return f"grade-{sub.assignment}-{sub.student}-{digest}"


def check_quizzes(course: Course, assignments: list[str]) -> None:
    """An invalid bank or a missing quiz definition stops the run, as broken hidden tests do:
    graded against it, every student would get zero."""
    from grucourse.quiz.errors import InvalidBank
    from grucourse.quiz.grade import current_quiz

    for assignment in assignments:
        try:
            current_quiz(course, assignment)
        except InvalidBank as exc:
            raise GradingSetupError(f"{assignment}: {exc}") from None
        except KeyError as exc:  # no quizzes/<assignment>.yaml
            raise GradingSetupError(exc.args[0]) from None
