"""Quiz definitions (quizzes/<assignment>.yaml): fixed questions and deterministic draws.

    title: Introduction to gated recurrent units
    questions: [vanishing_gradient_cause]     # always asked, in this order
    draw:                                     # then `count` more from a bank file (its stem)
      - {pool: introduction, count: 2}
    seed: 7                                   # the draw depends only on the quiz name and seed
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from jsonschema import Draft202012Validator

from grucourse.course import Course
from grucourse.quiz.errors import BankError
from grucourse.quiz.located_yaml import load_located
from grucourse.quiz.model import Question
from grucourse.quiz.schema import QUIZ_SCHEMA
from grucourse.quiz.validate import shown_path

_QUIZ = Draft202012Validator(QUIZ_SCHEMA)


@dataclass(frozen=True)
class Quiz:
    """A quiz with its questions resolved from the bank, in notebook order."""

    name: str
    title: str
    intro: str
    questions: tuple[Question, ...]


def quiz_files(course: Course) -> list[Path]:
    return sorted(course.quizzes.glob("*.yaml"))


def resolve_quiz(course: Course, path: Path, bank: list[Question]) -> Quiz | list[BankError]:
    """The quiz a definition file describes, or the errors that prevent resolving it."""
    doc = load_located(path, shown_path(course, path))
    if isinstance(doc, BankError):
        return [doc]
    errors = [BankError(doc.file, doc.line(e.absolute_path), "", f"quiz definition: {e.message}")
              for e in _QUIZ.iter_errors(doc.data)]
    if errors:
        return errors
    by_id = {q.id: q for q in bank}
    chosen: list[Question] = []
    for index, qid in enumerate(doc.data.get("questions", [])):
        if qid not in by_id:
            errors.append(BankError(doc.file, doc.line(["questions", index]), qid, "no such question in the bank"))
        elif by_id[qid] in chosen:
            errors.append(BankError(doc.file, doc.line(["questions", index]), qid, "listed twice"))
        else:
            chosen.append(by_id[qid])
    rng = random.Random(f"{path.stem}:{doc.data.get('seed', 0)}")
    for index, draw in enumerate(doc.data.get("draw", [])):
        pool = [q for q in bank if Path(q.file).stem == draw["pool"] and q not in chosen]
        if len(pool) < draw["count"]:
            errors.append(BankError(doc.file, doc.line(["draw", index]), "",
                                    f"pool {draw['pool']!r} has {len(pool)} unused questions, "
                                    f"{draw['count']} requested"))
            continue
        chosen.extend(rng.sample(pool, draw["count"]))
    if errors:
        return errors
    return Quiz(path.stem, doc.data["title"], doc.data.get("intro", ""), tuple(chosen))
