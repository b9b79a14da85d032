"""The bank in Moodle's GIFT text format (https://docs.moodle.org/en/GIFT_format)."""
from __future__ import annotations

import re
from pathlib import Path

from grucourse.quiz.export import choice_percent, is_correct_choice, percent_text
from grucourse.quiz.model import Question

_SPECIAL = re.compile(r"([~=#{}:\\])")


def escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def render(questions: list[Question]) -> str:
    blocks, category = [], None
    for question in questions:
        if Path(question.file).stem != category:
            category = Path(question.file).stem
            blocks.append(f"$CATEGORY: $course$/top/GRU/{category}")
        blocks.append(to_gift(question))
    return "\n\n".join(blocks) + "\n"


def to_gift(question: Question) -> str:
    head = f"::{question.id}::{escape(question.prompt_with())} {{"
    feedback = f"####{escape(question.explanation)}"
    if question.type == "true_false":
        return f"{head}{'TRUE' if question.answer else 'FALSE'}{feedback}}}"
    if question.type == "numeric":
        return f"{head}#{question.answer:g}:{question.tolerance:g}{feedback}}}"
    lines = []
    for key, text in question.choices.items():
        if question.type == "single":
            mark = "=" if is_correct_choice(question, key) else "~"
        else:
            mark = f"~%{percent_text(choice_percent(question, key))}%"
        lines.append(f"\t{mark}{escape(text)}")
    return "\n".join([head, *lines, f"\t{feedback}", "}"])
