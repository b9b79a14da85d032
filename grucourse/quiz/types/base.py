"""The interface every question type implements, and helpers the choice types share."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

if TYPE_CHECKING:
    from grucourse.quiz.draw import Drawn
    from grucourse.quiz.model import Question

Verdict = tuple[float, str]
"""(share of the question's points earned, 0 to 1; what the student is told)."""
Problem = tuple[list[Any], str]
"""(path inside the question's YAML, message) of a rule the question breaks."""


class QuestionType(ABC):
    """What the tooling needs to know about one kind of question."""

    name: ClassVar[str]
    schema: ClassVar[dict[str, Any]]
    """JSON Schema applied to a question of this type (on top of the common fields)."""
    how_to_answer: ClassVar[str]
    """The notebook's answer instruction; `{var}` is the answer variable."""
    moodle_type: ClassVar[str]
    jupyterquiz_type: ClassVar[str]
    canvas_type: ClassVar[str]
    """Canvas's `question_type` in QTI 1.2 item metadata."""

    def problems(self, data: dict[str, Any]) -> Iterator[Problem]:
        """Rules between this type's fields that the schema cannot say."""
        return iter(())

    @abstractmethod
    def shown_answer(self, question: Question, drawn: Drawn) -> Any:
        """The key as this student must write it (relabelled choices, their numbers)."""

    @abstractmethod
    def check(self, question: Question, value: Any, expected: Any) -> Verdict:
        """Grade a normalised answer (`answer_form.normalise_answer`) against `expected`."""

    @abstractmethod
    def guess_chance(self, question: Question, drawn: Drawn) -> float:
        """Expected share of the points of a blind guess."""

    @abstractmethod
    def blind_answer(self, drawn: Drawn, key: str, truth: bool) -> Any:
        """What a strategy that always picks shown choice `key` (or always says `truth`) answers."""

    @abstractmethod
    def wrong_answer(self, question: Question, drawn: Drawn, rng: np.random.Generator) -> Any:
        """A plausible wrong answer, for the simulated class."""

    @abstractmethod
    def moodle(self, question: Question, node: ET.Element) -> None:
        """Add this type's answer elements to a Moodle XML <question>."""

    @abstractmethod
    def gift(self, question: Question, feedback: str) -> str:
        """The GIFT answer block, braces included."""

    @abstractmethod
    def jupyterquiz(self, question: Question, explanation: str) -> list[dict[str, Any]]:
        """jupyterquiz `answers` entries."""

    @abstractmethod
    def qti(self, question: Question, presentation: ET.Element, processing: ET.Element) -> None:
        """The QTI 1.2 response element under <presentation> and its <respcondition>s under
        <resprocessing> (the response's ident is "response1", the score variable SCORE, 0-100)."""


def qti_text(parent: ET.Element, text: str) -> ET.Element:
    """<material><mattext texttype="text/plain">text</mattext></material>."""
    material = ET.SubElement(parent, "material")
    ET.SubElement(material, "mattext", texttype="text/plain").text = text
    return material


def qti_condition(processing: ET.Element, score: float, continue_: bool = False) -> ET.Element:
    """A <respcondition> setting SCORE (in %); its <conditionvar> is returned to be filled."""
    condition = ET.SubElement(processing, "respcondition", {"continue": "Yes" if continue_ else "No"})
    conditionvar = ET.SubElement(condition, "conditionvar")
    ET.SubElement(condition, "setvar", action="Set", varname="SCORE").text = percent_text(score)
    return conditionvar


def qti_choices(presentation: ET.Element, labels: list[tuple[str, str]], cardinality: str) -> None:
    """<response_lid> with one <response_label> per (ident, text)."""
    lid = ET.SubElement(presentation, "response_lid", ident="response1", rcardinality=cardinality)
    render = ET.SubElement(lid, "render_choice")
    for ident, text in labels:
        qti_text(ET.SubElement(render, "response_label", ident=ident), text)


def shown_keys(drawn: Drawn) -> list[str]:
    """The keys a student sees: a, b, c ... as many as the question has choices."""
    return [chr(ord("a") + i) for i in range(len(drawn.order))]


def text_node(parent: ET.Element, tag: str, value: str, **attributes: str) -> ET.Element:
    """<tag ...><text>value</text></tag>, as Moodle XML writes text."""
    node = ET.SubElement(parent, tag, attributes)
    ET.SubElement(node, "text").text = value
    return node


def percent_text(percent: float) -> str:
    """A grade percentage as Moodle writes it: five decimals at most (33.33333, 50, 100)."""
    return f"{percent:.5f}".rstrip("0").rstrip(".")
