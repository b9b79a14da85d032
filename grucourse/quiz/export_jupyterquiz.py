"""The bank as jupyterquiz JSON (`display_quiz` input): multiple_choice, many_choice, numeric.

Format: https://github.com/jmshea/jupyterquiz (schema/mc_schema.json, schema/num_schema.json).
"""
from __future__ import annotations

import json
from typing import Any

from grucourse.quiz.export import is_correct_choice, numeric_range
from grucourse.quiz.model import Question

_TYPES = {"single": "multiple_choice", "multiple": "many_choice", "true_false": "multiple_choice",
          "numeric": "numeric"}


def render(questions: list[Question]) -> str:
    return json.dumps([to_jupyterquiz(q) for q in questions], indent=1, ensure_ascii=False) + "\n"


def to_jupyterquiz(question: Question) -> dict[str, Any]:
    item: dict[str, Any] = {"question": question.prompt_with().strip(), "type": _TYPES[question.type]}
    explanation = question.explanation.strip()
    if question.type == "numeric":
        low, high = numeric_range(question)
        right = ({"type": "value", "value": question.answer} if low == high
                 else {"type": "range", "range": [low, high]})
        item["answers"] = [{**right, "correct": True, "feedback": f"Correct. {explanation}"},
                           {"type": "default", "feedback": f"Not quite. {explanation}"}]
        return item
    options = (question.choices.items() if question.choices
               else [("true", "True"), ("false", "False")])
    item["answers"] = []
    for key, text in options:
        correct = (key == str(question.answer).lower()) if question.type == "true_false" \
            else is_correct_choice(question, key)
        item["answers"].append({"answer": text.strip(), "correct": correct,
                                "feedback": f"{'Correct' if correct else 'Not quite'}. {explanation}"})
    return item
