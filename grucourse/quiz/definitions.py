"""Quiz definitions (quizzes/<assignment>.yaml): slots, each drawing one question per student.

    title: Introduction to gated recurrent units
    seed: 2026                                # the draws depend on the quiz name, seed and student id
    slots:                                    # one answer cell per slot, in this order
      - {id: reset_gate, pool: introduction, topic: reset_gate}          # any difficulty
      - {id: gradients, pool: introduction, topic: gradients, difficulty: [medium, hard]}
    questions: [vanishing_gradient_cause]     # older form: fixed questions, one slot each,
    draw: [{pool: introduction, count: 2}]    # choices not shuffled (kept for small test banks)

A slot's candidates are the questions of bank file `pool` with that `topic` (and one of the
listed difficulties); every student gets one of them, its choices shuffled and its numeric
params drawn (`grucourse.quiz.draw`).
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from grucourse.course import Course
from grucourse.quiz.errors import BankError
from grucourse.quiz.located_yaml import LocatedDocument, load_located
from grucourse.quiz.model import Question
from grucourse.quiz.schema import QUIZ_SCHEMA
from grucourse.quiz.validate import shown_path

_QUIZ = Draft202012Validator(QUIZ_SCHEMA)
MIN_CANDIDATES = 3
"""A drawn slot needs this many questions, or students share too few questions to matter."""
RESERVED_SLOT_IDS = ("quiz-check-answers", "quiz-answer-checker")


@dataclass(frozen=True)
class Slot:
    """One answer cell of the quiz: its grade_id and the questions a student may get there."""

    id: str
    candidates: tuple[Question, ...]
    shuffle: bool

    @property
    def points(self) -> float:
        return self.candidates[0].points


@dataclass(frozen=True)
class Quiz:
    """A quiz with its slots resolved from the bank, in notebook order."""

    name: str
    title: str
    intro: str
    seed: int
    slots: tuple[Slot, ...]

    @property
    def questions(self) -> tuple[Question, ...]:
        """Every question some student may be asked, each once, in slot order."""
        seen: dict[str, Question] = {}
        for slot in self.slots:
            for question in slot.candidates:
                seen.setdefault(question.id, question)
        return tuple(seen.values())

    @property
    def points(self) -> float:
        return sum(slot.points for slot in self.slots)


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
    slots = _fixed_slots(doc, path.stem, bank, errors) + _drawn_slots(doc, bank, errors)
    seen: set[str] = set()
    for slot in slots:
        if slot.id in seen:
            errors.append(BankError(doc.file, doc.line(), slot.id, "slot id used twice in this quiz"))
        seen.add(slot.id)
    if errors:
        return errors
    return Quiz(path.stem, doc.data["title"], doc.data.get("intro", ""), doc.data.get("seed", 0), tuple(slots))


def _fixed_slots(doc: LocatedDocument, name: str, bank: list[Question], errors: list[BankError]) -> list[Slot]:
    """`questions` and `draw`: one single-question slot each, the draw fixed by the quiz seed."""
    by_id = {q.id: q for q in bank}
    chosen: list[Question] = []
    for index, qid in enumerate(doc.data.get("questions", [])):
        if qid not in by_id:
            errors.append(BankError(doc.file, doc.line(["questions", index]), qid, "no such question in the bank"))
        elif by_id[qid] in chosen:
            errors.append(BankError(doc.file, doc.line(["questions", index]), qid, "listed twice"))
        else:
            chosen.append(by_id[qid])
    rng = random.Random(f"{name}:{doc.data.get('seed', 0)}")
    for index, draw in enumerate(doc.data.get("draw", [])):
        pool = [q for q in bank if Path(q.file).stem == draw["pool"] and q not in chosen]
        if len(pool) < draw["count"]:
            errors.append(BankError(doc.file, doc.line(["draw", index]), "",
                                    f"pool {draw['pool']!r} has {len(pool)} unused questions, "
                                    f"{draw['count']} requested"))
            continue
        chosen.extend(rng.sample(pool, draw["count"]))
    return [Slot(q.id, (q,), shuffle=False) for q in chosen]


def _drawn_slots(doc: LocatedDocument, bank: list[Question], errors: list[BankError]) -> list[Slot]:
    slots = []
    for index, spec in enumerate(doc.data.get("slots", [])):
        candidates = tuple(q for q in bank if matches(q, spec))
        problem = _slot_problem(spec, candidates)
        if problem:
            errors.append(BankError(doc.file, doc.line(["slots", index]), spec["id"], problem))
            continue
        slots.append(Slot(spec["id"], candidates, shuffle=spec.get("shuffle", True)))
    return slots


def matches(question: Question, spec: dict[str, Any]) -> bool:
    """Whether `question` belongs to the pool a slot specification names."""
    difficulties = spec.get("difficulty")
    return (Path(question.file).stem == spec["pool"] and question.topic == spec["topic"]
            and (difficulties is None or question.difficulty in difficulties))


def _slot_problem(spec: dict[str, Any], candidates: tuple[Question, ...]) -> str:
    if spec["id"] in RESERVED_SLOT_IDS:
        return f"slot id {spec['id']!r} is reserved for the notebook's answer check"
    if len(candidates) < MIN_CANDIDATES:
        found = ", ".join(q.id for q in candidates) or "none"
        return (f"slot draws from pool {spec['pool']!r}, topic {spec['topic']!r}: {len(candidates)} "
                f"question(s) ({found}), at least {MIN_CANDIDATES} needed")
    points = sorted({q.points for q in candidates})
    if len(points) > 1:
        return f"the slot's questions are worth different points {points}: every student's slot must weigh the same"
    return ""
