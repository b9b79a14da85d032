"""What single- and multiple-choice questions share: choice keys a, b, c ..., shuffling, and
exports that list the choices with the share of the points each carries."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from abc import abstractmethod
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from grucourse.quiz.types.base import Problem, QuestionType, percent_text, text_node

if TYPE_CHECKING:
    from grucourse.quiz.model import Question

_GIFT_SPECIAL = re.compile(r"([~=#{}:\\])")


def gift_escape(text: str) -> str:
    return _GIFT_SPECIAL.sub(r"\\\1", " ".join(text.split()))


class ChoiceType(QuestionType):
    """A question answered by choice keys."""

    jupyterquiz_type = "multiple_choice"
    moodle_type = "multichoice"

    def problems(self, data: dict[str, Any]) -> Iterator[Problem]:
        choices = data.get("choices") or {}
        expected = [chr(ord("a") + i) for i in range(len(choices))]
        if sorted(choices) != expected:
            yield ["choices"], f"choice keys must be {', '.join(expected)} (got {', '.join(sorted(choices))})"
        answer = data["answer"]
        for key in answer if isinstance(answer, list) else [answer]:
            if key not in choices:
                yield ["answer"], f"answer key {key!r} is not among the choices {sorted(choices)}"

    @abstractmethod
    def percent(self, question: Question, key: str) -> float:
        """The grade in % choice `key` carries in Moodle XML and GIFT."""

    def moodle(self, question: Question, node: ET.Element) -> None:
        ET.SubElement(node, "single").text = "true" if self.name == "single" else "false"
        ET.SubElement(node, "shuffleanswers").text = "true"
        ET.SubElement(node, "answernumbering").text = "abc"
        for key, text in question.choices.items():
            text_node(node, "answer", text.strip(), fraction=percent_text(self.percent(question, key)),
                      format="plain_text")

    def gift(self, question: Question, feedback: str) -> str:
        lines = [f"\t{self.gift_mark(question, key)}{gift_escape(text)}" for key, text in question.choices.items()]
        return "\n".join(["{", *lines, f"\t{feedback}", "}"])

    def gift_mark(self, question: Question, key: str) -> str:
        return f"~%{percent_text(self.percent(question, key))}%"

    def jupyterquiz(self, question: Question, explanation: str) -> list[dict[str, Any]]:
        return [{"answer": text.strip(), "correct": self.percent(question, key) > 0,
                 "feedback": f"{'Correct' if self.percent(question, key) > 0 else 'Not quite'}. {explanation}"}
                for key, text in question.choices.items()]

    def qti_labels(self, question: Question) -> list[tuple[str, str]]:
        return [(f"{question.id}_{key}", text.strip()) for key, text in question.choices.items()]
