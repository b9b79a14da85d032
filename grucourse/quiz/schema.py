"""JSON Schemas of a bank question (SPEC section 5) and of a quiz definition.

The schema fixes the fields and their types; rules that relate fields to each other (the
answer key is a choice, ids are unique across files, a formula matches its answer) are the
semantic checks in `grucourse.quiz.validate`.
"""
from __future__ import annotations

from typing import Any

from grucourse.quiz.types import QUESTION_TYPES

IDENTIFIER = r"^[A-Za-z_][A-Za-z0-9_]{0,49}$"
CHOICE_KEY = r"^[a-z]$"
SCORING_RULES = ("all_or_nothing", "partial")
DIFFICULTIES = ("easy", "medium", "hard")

_number = {"type": "number"}

PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "per-student variant: each name takes one of its values; the answer is the formula",
    "required": ["values", "formula"],
    "additionalProperties": False,
    "properties": {
        "values": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"pattern": IDENTIFIER},
            "additionalProperties": {"type": "array", "minItems": 2, "items": _number},
        },
        "formula": {"type": "string", "minLength": 1},
    },
}

QUESTION_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["id", "type", "prompt", "answer", "explanation", "points", "source"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "pattern": IDENTIFIER},
        "type": {"enum": list(QUESTION_TYPES)},  # an unknown type is an error here, never a fallback
        "prompt": {"type": "string", "minLength": 1},
        "choices": {
            "type": "object",
            "minProperties": 2,
            "propertyNames": {"pattern": CHOICE_KEY},
            "additionalProperties": {"type": "string", "minLength": 1},
        },
        "answer": {"type": ["string", "array", "boolean", "number"]},
        "tolerance": {"type": "number", "minimum": 0},
        "explanation": {"type": "string", "minLength": 1},
        "points": {"type": "number", "exclusiveMinimum": 0},
        "source": {"type": "string", "minLength": 1},
        "topic": {"type": "string", "pattern": IDENTIFIER,
                  "description": "what the question asks about; a quiz slot draws from one topic of a bank file"},
        "difficulty": {"enum": list(DIFFICULTIES)},
        "params": PARAMS_SCHEMA,
        "scoring": {
            "enum": list(SCORING_RULES),
            "description": "multiple only: all_or_nothing (default) or partial, right minus wrong picks "
                           "over the number of right choices, at least 0",
        },
    },
    "allOf": [
        *({"if": {"properties": {"type": {"const": name}}}, "then": kind.schema} for name, kind in QUESTION_TYPES.items()),
        {"if": {"properties": {"type": {"const": "multiple"}}}, "else": {"not": {"required": ["scoring"]}}},
        {"if": {"properties": {"type": {"const": "numeric"}}},
         "else": {"not": {"anyOf": [{"required": ["tolerance"]}, {"required": ["params"]}]}}},
    ],
}

BANK_FILE_SCHEMA: dict[str, Any] = {"type": "array", "minItems": 1, "items": {"type": "object"}}

QUIZ_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["title"],
    "additionalProperties": False,
    "anyOf": [{"required": ["questions"]}, {"required": ["draw"]}, {"required": ["slots"]}],
    "properties": {
        "title": {"type": "string", "minLength": 1},
        "intro": {"type": "string"},
        "seed": {"type": "integer"},
        "questions": {"type": "array", "items": {"type": "string", "pattern": IDENTIFIER}},
        "slots": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "pool", "topic"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "pattern": IDENTIFIER},
                    "pool": {"type": "string", "pattern": IDENTIFIER},
                    "topic": {"type": "string", "pattern": IDENTIFIER},
                    "difficulty": {"type": "array", "minItems": 1, "items": {"enum": list(DIFFICULTIES)}},
                    "shuffle": {"type": "boolean"},
                },
            },
        },
        "draw": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["pool", "count"],
                "additionalProperties": False,
                "properties": {
                    "pool": {"type": "string", "pattern": IDENTIFIER},
                    "count": {"type": "integer", "minimum": 1},
                },
            },
        },
    },
}
