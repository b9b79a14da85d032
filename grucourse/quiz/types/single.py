"""Single choice: one key, `answer_x = "b"`."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any

import numpy as np

from grucourse.quiz.types.base import Verdict, qti_choices, qti_condition, shown_keys
from grucourse.quiz.types.choices import ChoiceType

if TYPE_CHECKING:
    from grucourse.quiz.draw import Drawn
    from grucourse.quiz.model import Question


class SingleChoice(ChoiceType):
    name = "single"
    schema = {"required": ["choices"], "properties": {"answer": {"type": "string"}}}
    how_to_answer = 'Set `{var}` to the key of one choice, as a string (like `"a"`).'
    canvas_type = "multiple_choice_question"

    def shown_answer(self, question: Question, drawn: Drawn) -> Any:
        return drawn.shown_key(str(question.answer))

    def check(self, question: Question, value: Any, expected: Any) -> Verdict:
        if value != expected:
            return 0.0, f'"{value}" is not the right choice.'
        return 1.0, f'"{value}" is right.'

    def guess_chance(self, question: Question, drawn: Drawn) -> float:
        return 1 / len(question.choices)

    def blind_answer(self, drawn: Drawn, key: str, truth: bool) -> Any:
        return key

    def wrong_answer(self, question: Question, drawn: Drawn, rng: np.random.Generator) -> Any:
        others = [k for k in shown_keys(drawn) if k != self.shown_answer(question, drawn)]
        return others[int(rng.integers(len(others)))]

    def percent(self, question: Question, key: str) -> float:
        return 100.0 if key == question.answer else 0.0

    def gift_mark(self, question: Question, key: str) -> str:
        return "=" if key == question.answer else "~"

    def qti(self, question: Question, presentation: ET.Element, processing: ET.Element) -> None:
        qti_choices(presentation, self.qti_labels(question), "Single")
        ET.SubElement(qti_condition(processing, 100), "varequal", respident="response1").text = \
            f"{question.id}_{question.answer}"
