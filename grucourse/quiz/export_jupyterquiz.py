"""The bank as jupyterquiz JSON (`display_quiz` input): multiple_choice, many_choice, numeric.

Format: https://github.com/jmshea/jupyterquiz (schema/mc_schema.json, schema/num_schema.json).
"""
from __future__ import annotations

import json
from typing import Any

from grucourse.quiz.model import Question
from grucourse.quiz.types import question_type


def render(questions: list[Question]) -> str:
    return json.dumps([to_jupyterquiz(q) for q in questions], indent=1, ensure_ascii=False) + "\n"


def to_jupyterquiz(question: Question) -> dict[str, Any]:
    kind = question_type(question.type)
    return {"question": question.prompt_with().strip(), "type": kind.jupyterquiz_type,
            "answers": kind.jupyterquiz(question, question.explanation.strip())}
