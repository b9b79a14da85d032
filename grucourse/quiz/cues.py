"""Answer cues a test-wise student could exploit, measured on the bank and on every quiz.

Bank, per pool (bank file): the share of single-choice keys that are the longest choice
(ties count as longest), the share of keys at each position before shuffling, and the share of
true/false questions whose answer is True. Quizzes: the mean score of blind strategies ("always
the longest choice", "always a", "always True", "always False") over many student ids, each
answering their own draw, against the mean score of guessing uniformly at random.
`grucourse quiz validate` refuses the bank when a share or a strategy passes its threshold.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from grucourse.quiz.checks import check_answer
from grucourse.quiz.definitions import Quiz
from grucourse.quiz.draw import Drawn, draw_for
from grucourse.quiz.grade import shown_answer
from grucourse.quiz.model import Question
from grucourse.quiz.types import question_type

LONGEST_MARGIN = 0.10
"""The share of keys that are the longest choice may exceed its chance value by at most this."""
POSITION_MAX_SHARE = 0.40
"""No key position (a, b, c ...) may hold more than this share of a pool's keys."""
TRUE_SHARE = (0.30, 0.70)
"""The share of true/false answers that are True must lie in this range."""
STRATEGY_MARGIN = 0.02
"""A blind strategy may beat random guessing by at most this share of the quiz's points."""
STUDENTS = 2000
"""Student ids the quiz strategies are played over (student0000 ...)."""


@dataclass(frozen=True)
class PoolCues:
    pool: str
    single: int
    longest_share: float
    longest_chance: float
    positions: dict[str, float]
    true_false: int
    true_share: float

    def problems(self) -> list[str]:
        found = []
        if self.single and self.longest_share > self.longest_chance + LONGEST_MARGIN:
            found.append(f"{self.longest_share:.0%} of the single-choice keys are the longest choice "
                         f"(chance {self.longest_chance:.0%}, at most {self.longest_chance + LONGEST_MARGIN:.0%})")
        for key, share in self.positions.items():
            if share > POSITION_MAX_SHARE:
                found.append(f"{share:.0%} of the choice keys are {key!r} (at most {POSITION_MAX_SHARE:.0%})")
        low, high = TRUE_SHARE
        if self.true_false >= 2 and not low <= self.true_share <= high:
            found.append(f"{self.true_share:.0%} of the true/false answers are True (between {low:.0%} and {high:.0%})")
        return found


@dataclass(frozen=True)
class QuizCues:
    quiz: str
    points: float
    chance: float
    strategies: dict[str, float]

    def problems(self) -> list[str]:
        limit = self.chance + STRATEGY_MARGIN * self.points
        return [f"{name!r} scores {score:.2f} of {self.points:g} points on average, random guessing "
                f"{self.chance:.2f} (at most {limit:.2f})"
                for name, score in self.strategies.items() if score > limit]


def pool_cues(pool: str, questions: list[Question]) -> PoolCues:
    singles = [q for q in questions if q.type == "single"]
    longest = [q for q in singles if _is_longest(q)]
    keys = [str(k) for q in questions if q.type in ("single", "multiple")
            for k in (q.answer if isinstance(q.answer, list) else [q.answer])]
    counts = Counter(keys)
    tf = [q for q in questions if q.type == "true_false"]
    return PoolCues(
        pool=pool, single=len(singles),
        longest_share=len(longest) / len(singles) if singles else 0.0,
        longest_chance=sum(1 / len(q.choices) for q in singles) / len(singles) if singles else 0.0,
        positions={k: counts[k] / len(keys) for k in sorted(counts)},
        true_false=len(tf), true_share=sum(q.answer is True for q in tf) / len(tf) if tf else 0.0,
    )


def _is_longest(question: Question) -> bool:
    lengths = {k: len(" ".join(v.split())) for k, v in question.choices.items()}
    return lengths[str(question.answer)] == max(lengths.values())


def bank_cues(questions: list[Question]) -> list[PoolCues]:
    pools: dict[str, list[Question]] = {}
    for question in questions:
        pools.setdefault(Path(question.file).stem, []).append(question)
    return [pool_cues(pool, qs) for pool, qs in sorted(pools.items())]


Strategy = Callable[[Question, Drawn], object]


def _longest(question: Question, drawn: Drawn) -> object:
    """The longest shown choice (the first of equals); True for a statement."""
    texts = [" ".join(question.choices[k].split()) for k in drawn.order]
    key = chr(ord("a") + max(range(len(texts)), key=lambda i: len(texts[i]))) if texts else "a"
    return question_type(question.type).blind_answer(drawn, key, True)


def _always(key: str, truth: bool) -> Strategy:
    def strategy(question: Question, drawn: Drawn) -> object:
        return question_type(question.type).blind_answer(drawn, key, truth)
    return strategy


STRATEGIES: dict[str, Strategy] = {"always the longest choice": _longest, "always a": _always("a", True),
                                   "always True": _always("a", True), "always False": _always("a", False)}


def quiz_cues(quiz: Quiz, students: int = STUDENTS) -> QuizCues:
    by_id = {q.id: q for q in quiz.questions}
    totals = dict.fromkeys(STRATEGIES, 0.0)
    chance = 0.0
    for n in range(students):
        for drawn in draw_for(quiz, f"student{n:04d}"):
            question = by_id[drawn.question]
            expected = shown_answer(question, drawn)
            chance += question.points * question_type(question.type).guess_chance(question, drawn)
            for name, strategy in STRATEGIES.items():
                totals[name] += question.points * check_answer(question, strategy(question, drawn), expected)[0]
    return QuizCues(quiz.name, quiz.points, chance / students,
                    {name: total / students for name, total in totals.items()})


def report(questions: list[Question], quizzes: list[Quiz], students: int = STUDENTS) -> str:
    """The cue report `grucourse quiz validate --cues` prints (and docs/quizzes.md shows)."""
    lines = ["pool            single  key longest (chance)  key positions              true/false  True"]
    for p in bank_cues(questions):
        positions = " ".join(f"{k}:{v:.0%}" for k, v in p.positions.items())
        lines.append(f"{p.pool:15s} {p.single:6d}  {p.longest_share:11.0%} ({p.longest_chance:.0%})  "
                     f"{positions:26s} {p.true_false:10d}  {p.true_share:.0%}")
    lines.append("")
    lines.append(f"quiz (mean over {students} students)  points  random  " + "  ".join(STRATEGIES))
    for quiz in quizzes:
        q = quiz_cues(quiz, students)
        scores = "  ".join(f"{q.strategies[name]:{len(name)}.2f}" for name in STRATEGIES)
        lines.append(f"{quiz.name:34s} {q.points:6g}  {q.chance:6.2f}  {scores}")
    return "\n".join(lines)


def cue_problems(questions: list[Question], quizzes: list[Quiz], students: int = STUDENTS) -> list[str]:
    """Every cue over its threshold, as "<pool or quiz>: <what>"."""
    found = [f"{p.pool}: {msg}" for p in bank_cues(questions) for msg in p.problems()]
    found += [f"{q.quiz}: {msg}" for quiz in quizzes for q in [quiz_cues(quiz, students)] for msg in q.problems()]
    return found


