"""True or false: `answer_x = True`."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any

import numpy as np

from grucourse.quiz.types.base import QuestionType, Verdict, qti_choices, qti_condition, text_node

if TYPE_CHECKING:
    from grucourse.quiz.draw import Drawn
    from grucourse.quiz.model import Question


class TrueFalse(QuestionType):
    name = "true_false"
    schema = {"not": {"required": ["choices"]}, "properties": {"answer": {"type": "boolean"}}}
    how_to_answer = "Set `{var}` to `True` or `False`."
    moodle_type = "truefalse"
    jupyterquiz_type = "multiple_choice"
    canvas_type = "true_false_question"

    def shown_answer(self, question: Question, drawn: Drawn) -> Any:
        return question.answer

    def check(self, question: Question, value: Any, expected: Any) -> Verdict:
        if value != expected:
            return 0.0, f"{value} is not right."
        return 1.0, f"{value} is right."

    def guess_chance(self, question: Question, drawn: Drawn) -> float:
        return 0.5

    def blind_answer(self, drawn: Drawn, key: str, truth: bool) -> Any:
        return truth

    def wrong_answer(self, question: Question, drawn: Drawn, rng: np.random.Generator) -> Any:
        return not question.answer

    def moodle(self, question: Question, node: ET.Element) -> None:
        for value in (True, False):
            text_node(node, "answer", str(value).lower(), fraction="100" if value == question.answer else "0")

    def gift(self, question: Question, feedback: str) -> str:
        return f"{{{'TRUE' if question.answer else 'FALSE'}{feedback}}}"

    def jupyterquiz(self, question: Question, explanation: str) -> list[dict[str, Any]]:
        return [{"answer": text, "correct": value == question.answer,
                 "feedback": f"{'Correct' if value == question.answer else 'Not quite'}. {explanation}"}
                for value, text in ((True, "True"), (False, "False"))]

    def qti(self, question: Question, presentation: ET.Element, processing: ET.Element) -> None:
        qti_choices(presentation, [(f"{question.id}_true", "True"), (f"{question.id}_false", "False")], "Single")
        ET.SubElement(qti_condition(processing, 100), "varequal", respident="response1").text = \
            f"{question.id}_{str(question.answer).lower()}"
