"""Which question, choice order and numbers every student gets in every slot of a quiz.

`draw(view, student_id)` is the documented function of SPEC section 5: for a student id it gives,
per slot (the answer cell's grade_id), the question, the order in which its choices are shown
and its numeric params. It is a pure function of the quiz's *public view* (`public_view`: slots,
seed and the questions' prompts, choices and params values; no key, explanation or formula), so
the exchange plugin that writes a student's notebook at fetch time and the grader, which builds
the same view from the bank, draw exactly the same thing.
"""
from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from typing import Any

from grucourse.quiz.definitions import Quiz
from grucourse.quiz.model import Question

VIEW_FILE = "quiz_draw.json"
"""Written beside the source notebook, released with it; read by the fetch plugin."""
VIEW_FORMAT = 1


@dataclass(frozen=True)
class Drawn:
    """One slot as one student sees it: `order[i]` is the bank key of the choice shown as key i."""

    slot: str
    question: str
    order: tuple[str, ...]
    values: dict[str, float]

    def shown_key(self, bank_key: str) -> str:
        """The key under which the student sees the bank's choice `bank_key`."""
        return chr(ord("a") + self.order.index(bank_key))

    def bank_key(self, shown_key: str) -> str:
        """The bank's key of the choice the student sees as `shown_key`."""
        return self.order[ord(shown_key) - ord("a")]


def public_view(quiz: Quiz) -> dict[str, Any]:
    """What a student may know of the quiz: enough to draw and render it, nothing to grade it."""
    return {
        "format": VIEW_FORMAT,
        "quiz": quiz.name,
        "title": quiz.title,
        "intro": quiz.intro,
        "seed": quiz.seed,
        "slots": [{"id": s.id, "candidates": [q.id for q in s.candidates], "shuffle": s.shuffle,
                   "points": s.points} for s in quiz.slots],
        "questions": {q.id: _public_question(q) for q in quiz.questions},
    }


def _public_question(question: Question) -> dict[str, Any]:
    return {
        "type": question.type,
        "prompt": question.prompt,
        "choices": dict(question.choices),
        "points": question.points,
        "scoring": question.scoring,
        "values": {name: list(vals) for name, vals in question.params.values.items()} if question.params else {},
    }


def draw(view: dict[str, Any], student_id: str) -> list[Drawn]:
    """Every slot of the quiz for `student_id`, in notebook order; the same inputs, the same draw.

    One `random.Random` seeded by SHA-256 of (quiz name, quiz seed, student id) walks the slots
    in order: it picks a question among the slot's candidates not drawn for an earlier slot,
    shuffles its choices when the slot shuffles, and picks each param's value."""
    seed_text = f"{view['quiz']}\x00{view['seed']}\x00{student_id.strip()}"
    rng = random.Random(int.from_bytes(hashlib.sha256(seed_text.encode()).digest(), "big"))
    used: set[str] = set()
    drawn = []
    for slot in view["slots"]:
        free = [qid for qid in slot["candidates"] if qid not in used] or list(slot["candidates"])
        qid = rng.choice(free)
        used.add(qid)
        question = view["questions"][qid]
        order = list(question["choices"])
        if slot["shuffle"]:
            rng.shuffle(order)
        values = {name: rng.choice(vals) for name, vals in question["values"].items()}
        drawn.append(Drawn(slot["id"], qid, tuple(order), values))
    return drawn


def draw_for(quiz: Quiz, student_id: str) -> list[Drawn]:
    """`draw` from the quiz as the bank has it (grader, simulated class, item analysis)."""
    return draw(public_view(quiz), student_id)


def draw_digest(drawn: list[Drawn]) -> str:
    """A short fingerprint of a draw, stored in the notebook to notice a bank changed since fetch."""
    data = [[d.slot, d.question, list(d.order), sorted(d.values.items())] for d in drawn]
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()[:16]
