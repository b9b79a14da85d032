"""Multiple answers: a set of keys, `answer_x = ["a", "c"]`, all or nothing or partial credit.

Partial credit is right picks minus wrong picks over the right choices, at least 0: the Open
University's multiple-response rule for Moodle (qtype_oumultiresponse: "1/n for each correct
choice, and loses 1/n for each incorrect choice") and what Moodle's own multiple-answer question
gives with +100/n % per right and -100/n % per wrong choice, a negative total counting as zero
(https://docs.moodle.org/en/Multiple_Choice_question_type).
"""
from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any

import numpy as np

from grucourse.quiz.types.base import Verdict, qti_choices, qti_condition, shown_keys
from grucourse.quiz.types.choices import ChoiceType

if TYPE_CHECKING:
    from grucourse.quiz.draw import Drawn
    from grucourse.quiz.model import Question


class MultipleChoice(ChoiceType):
    name = "multiple"
    schema = {
        "required": ["choices"],
        "properties": {"answer": {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"type": "string"}}},
    }
    how_to_answer = 'Set `{var}` to a list of all the right keys (like `["a", "c"]`).'
    jupyterquiz_type = "many_choice"
    canvas_type = "multiple_answers_question"

    def shown_answer(self, question: Question, drawn: Drawn) -> Any:
        return sorted(drawn.shown_key(k) for k in _keys(question))

    def check(self, question: Question, value: Any, expected: Any) -> Verdict:
        shown = ", ".join(f'"{k}"' for k in sorted(value)) or "nothing"
        if value == set(expected):
            return 1.0, f"{shown} is right."
        if question.scoring == "partial":
            return _right_minus_wrong(shown, len(value & set(expected)), len(value - set(expected)), len(expected))
        return 0.0, f"{shown} is not exactly the set of right choices."

    def guess_chance(self, question: Question, drawn: Drawn) -> float:
        """The better of one random choice and a random non-empty set (with partial credit a
        single pick beats a random set)."""
        keys = shown_keys(drawn)
        expected = self.shown_answer(question, drawn)
        subsets = [set(c) for r in range(1, len(keys) + 1) for c in itertools.combinations(keys, r)]
        credit = [self.check(question, s, expected)[0] for s in subsets]
        return max(sum(credit) / len(credit), sum(credit[:len(keys)]) / len(keys))

    def blind_answer(self, drawn: Drawn, key: str, truth: bool) -> Any:
        return [key]

    def wrong_answer(self, question: Question, drawn: Drawn, rng: np.random.Generator) -> Any:
        keys, right = shown_keys(drawn), set(self.shown_answer(question, drawn))
        wrong = right ^ {keys[int(rng.integers(len(keys)))]}
        return sorted(wrong or set(keys) - right)

    def percent(self, question: Question, key: str) -> float:
        """100/n for each of the n right choices; a wrong one -100/n with partial credit, so
        Moodle's sum is right minus wrong over n as graded here, else -100 (Moodle's core
        question cannot say all-or-nothing: missing right picks still earn their shares)."""
        share = 100 / len(_keys(question))
        if key in _keys(question):
            return share
        return -share if question.scoring == "partial" else -100.0


    def qti(self, question: Question, presentation: ET.Element, processing: ET.Element) -> None:
        """All or nothing as Canvas's multiple answers question does by default: 100 only for
        exactly the right set (Canvas applies its own partial rule on import settings)."""
        qti_choices(presentation, self.qti_labels(question), "Multiple")
        every = ET.SubElement(qti_condition(processing, 100), "and")
        for key in question.choices:
            equal = ET.Element("varequal", respident="response1")
            equal.text = f"{question.id}_{key}"
            if key in _keys(question):
                every.append(equal)
            else:
                ET.SubElement(every, "not").append(equal)


def _keys(question: Question) -> list[str]:
    return [str(k) for k in question.answer] if isinstance(question.answer, list) else [str(question.answer)]


def _right_minus_wrong(shown: str, right: int, wrong: int, keys: int) -> Verdict:
    """Partial credit and a message that counts picks without naming which were right."""
    credit = max(0.0, (right - wrong) / keys)
    counts = (f"{shown}: {right} of the {keys} right choices picked and {wrong} wrong "
              f"pick{'s' if wrong != 1 else ''}, so ({right} - {wrong}) / {keys}")
    if credit == 0:
        return 0.0, f"{counts} earns nothing (partial credit never goes below zero)."
    return credit, f"{counts} = {credit:.3g} of the points (right minus wrong picks)."
