"""The bank as Moodle XML (https://docs.moodle.org/en/Moodle_XML_format), one category per file."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from grucourse.quiz.export import choice_percent, percent_text
from grucourse.quiz.model import Question

_TYPES = {"single": "multichoice", "multiple": "multichoice", "true_false": "truefalse", "numeric": "numerical"}


def render(questions: list[Question]) -> str:
    quiz = ET.Element("quiz")
    category = None
    for question in questions:
        if Path(question.file).stem != category:
            category = Path(question.file).stem
            node = ET.SubElement(ET.SubElement(quiz, "question", type="category"), "category")
            _text(node, f"$course$/top/GRU/{category}")
        quiz.append(to_moodle(question))
    ET.indent(quiz)
    return ET.tostring(quiz, encoding="unicode", xml_declaration=True) + "\n"


def to_moodle(question: Question) -> ET.Element:
    node = ET.Element("question", type=_TYPES[question.type])
    _text(ET.SubElement(node, "name"), question.id)
    _text(ET.SubElement(node, "questiontext", format="plain_text"), question.prompt_with().strip())
    _text(ET.SubElement(node, "generalfeedback", format="plain_text"), question.explanation.strip())
    ET.SubElement(node, "defaultgrade").text = f"{question.points:g}"
    if question.type == "numeric":
        answer = ET.SubElement(node, "answer", fraction="100")
        _text(answer, f"{question.answer:g}")
        ET.SubElement(answer, "tolerance").text = f"{question.tolerance:g}"
    elif question.type == "true_false":
        for value in (True, False):
            answer = ET.SubElement(node, "answer", fraction="100" if value == question.answer else "0")
            _text(answer, str(value).lower())
    else:
        ET.SubElement(node, "single").text = "true" if question.type == "single" else "false"
        ET.SubElement(node, "shuffleanswers").text = "true"
        ET.SubElement(node, "answernumbering").text = "abc"
        for key, text in question.choices.items():
            fraction = percent_text(choice_percent(question, key))
            _text(ET.SubElement(node, "answer", fraction=fraction, format="plain_text"), text.strip())
    return node


def _text(parent: ET.Element, value: str) -> None:
    ET.SubElement(parent, "text").text = value
