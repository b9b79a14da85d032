"""The bank as Moodle XML (https://docs.moodle.org/en/Moodle_XML_format), one category per file."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from grucourse.quiz.model import Question
from grucourse.quiz.types import question_type
from grucourse.quiz.types.base import text_node


def render(questions: list[Question]) -> str:
    quiz = ET.Element("quiz")
    category = None
    for question in questions:
        if Path(question.file).stem != category:
            category = Path(question.file).stem
            text_node(ET.SubElement(quiz, "question", type="category"), "category", f"$course$/top/GRU/{category}")
        quiz.append(to_moodle(question))
    ET.indent(quiz)
    return ET.tostring(quiz, encoding="unicode", xml_declaration=True) + "\n"


def to_moodle(question: Question) -> ET.Element:
    kind = question_type(question.type)
    node = ET.Element("question", type=kind.moodle_type)
    text_node(node, "name", question.id)
    text_node(node, "questiontext", question.prompt_with().strip(), format="plain_text")
    text_node(node, "generalfeedback", question.explanation.strip(), format="plain_text")
    ET.SubElement(node, "defaultgrade").text = f"{question.points:g}"
    kind.moodle(question, node)
    return node
