"""A number within a tolerance, `answer_x = 0.25`; with `params` every student has own values."""
from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from grucourse.quiz.types.base import Problem, QuestionType, Verdict, qti_condition

if TYPE_CHECKING:
    from grucourse.quiz.draw import Drawn
    from grucourse.quiz.model import Question


class Numeric(QuestionType):
    name = "numeric"
    schema = {"required": ["tolerance"], "properties": {"answer": {"type": "number"}}}
    how_to_answer = "Set `{var}` to a number (like `0.25` or `1200`)."
    moodle_type = "numerical"
    jupyterquiz_type = "numeric"
    canvas_type = "numerical_question"

    def problems(self, data: dict[str, Any]) -> Iterator[Problem]:
        from grucourse.quiz.variants import params_problems

        if not states_precision(data["prompt"], data["tolerance"]):
            wanted = '"exact"' if data["tolerance"] == 0 else f"the tolerance {data['tolerance']:g}"
            yield ["prompt"], f"a numeric prompt must state the precision needed: mention {wanted}"
        if not math.isfinite(data["answer"]):
            yield ["answer"], "numeric answer must be finite"
        if "params" in data:
            yield from params_problems(data)

    def shown_answer(self, question: Question, drawn: Drawn) -> Any:
        from grucourse.quiz.variants import expected_answer

        return expected_answer(question, drawn.values)

    def check(self, question: Question, value: Any, expected: Any) -> Verdict:
        tolerance = question.tolerance or 0.0
        slack = tolerance + 1e-9 * max(1.0, abs(expected))
        if not math.isfinite(value) or abs(value - expected) > slack:
            margin = f" within {tolerance:g}" if tolerance else ""
            return 0.0, f"{value:g} is not{margin} the right value."
        return 1.0, f"{value:g} is right."

    def guess_chance(self, question: Question, drawn: Drawn) -> float:
        return 0.0

    def blind_answer(self, drawn: Drawn, key: str, truth: bool) -> Any:
        return None

    def wrong_answer(self, question: Question, drawn: Drawn, rng: np.random.Generator) -> Any:
        number = float(self.shown_answer(question, drawn))
        guess = number * (0.75, 1.25, 4 / 3, 2.0)[int(rng.integers(4))]
        margin = question.tolerance or 0.0
        return guess if abs(guess - number) > 2 * margin else number + 10 * margin + 1

    def moodle(self, question: Question, node: ET.Element) -> None:
        answer = ET.SubElement(node, "answer", fraction="100")
        ET.SubElement(answer, "text").text = f"{question.answer:g}"
        ET.SubElement(answer, "tolerance").text = f"{question.tolerance:g}"

    def gift(self, question: Question, feedback: str) -> str:
        return f"{{#{question.answer:g}:{question.tolerance:g}{feedback}}}"

    def jupyterquiz(self, question: Question, explanation: str) -> list[dict[str, Any]]:
        tolerance = question.tolerance or 0.0
        answer = float(question.answer)  # type: ignore[arg-type]  # numeric: the schema says a number
        right: dict[str, Any] = ({"type": "value", "value": question.answer} if tolerance == 0
                                 else {"type": "range", "range": [answer - tolerance, answer + tolerance]})
        return [{**right, "correct": True, "feedback": f"Correct. {explanation}"},
                {"type": "default", "feedback": f"Not quite. {explanation}"}]

    def qti(self, question: Question, presentation: ET.Element, processing: ET.Element) -> None:
        """A decimal fill-in with the accepted interval, as Canvas writes numerical questions."""
        response = ET.SubElement(presentation, "response_str", ident="response1", rcardinality="Single")
        ET.SubElement(ET.SubElement(response, "render_fib", fibtype="Decimal"), "response_label", ident="answer1")
        answer, tolerance = float(question.answer), question.tolerance or 0.0  # type: ignore[arg-type]
        within = ET.SubElement(qti_condition(processing, 100), "or")
        ET.SubElement(within, "varequal", respident="response1").text = f"{answer:g}"
        interval = ET.SubElement(within, "and")
        ET.SubElement(interval, "vargte", respident="response1").text = f"{answer - tolerance:g}"
        ET.SubElement(interval, "varlte", respident="response1").text = f"{answer + tolerance:g}"


def states_precision(prompt: str, tolerance: float) -> bool:
    """Whether the prompt tells the student how precise the answer must be ("exact integer",
    "to within 0.001")."""
    if tolerance == 0:
        return "exact" in prompt.lower()
    return f"{tolerance:g}" in prompt
