"""The bank in Moodle's GIFT text format (https://docs.moodle.org/en/GIFT_format)."""
from __future__ import annotations

from pathlib import Path

from grucourse.quiz.model import Question
from grucourse.quiz.types import question_type
from grucourse.quiz.types.choices import gift_escape


def render(questions: list[Question]) -> str:
    blocks, category = [], None
    for question in questions:
        if Path(question.file).stem != category:
            category = Path(question.file).stem
            blocks.append(f"$CATEGORY: $course$/top/GRU/{category}")
        blocks.append(to_gift(question))
    return "\n\n".join(blocks) + "\n"


def to_gift(question: Question) -> str:
    head = f"::{question.id}::{gift_escape(question.prompt_with())} "
    return head + question_type(question.type).gift(question, f"####{gift_escape(question.explanation)}")
