"""Checks every bank file against the schema and the rules that tie fields together.

Each problem becomes a BankError naming the file, the line (PyYAML node marks) and the
question id, so `grucourse quiz validate` can list all of them at once.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from grucourse.course import Course
from grucourse.quiz.errors import BankError
from grucourse.quiz.located_yaml import LocatedDocument, duplicate_keys, load_located
from grucourse.quiz.model import Question
from grucourse.quiz.schema import BANK_FILE_SCHEMA, QUESTION_SCHEMA
from grucourse.quiz.types import question_type

_QUESTION = Draft202012Validator(QUESTION_SCHEMA)
_FILE = Draft202012Validator(BANK_FILE_SCHEMA)


def bank_files(course: Course) -> list[Path]:
    return sorted(course.question_bank.glob("*.yaml"))


def shown_path(course: Course, path: Path) -> str:
    """Path as the instructor types it: relative to the course when possible."""
    try:
        return str(path.resolve().relative_to(course.root))
    except ValueError:
        return str(path)


def check_bank(course: Course) -> tuple[list[Question], list[BankError]]:
    """All valid questions of the bank and every error found (duplicate ids across files too)."""
    questions: list[Question] = []
    errors: list[BankError] = []
    first_seen: dict[str, Question] = {}
    for path in bank_files(course):
        doc = load_located(path, shown_path(course, path))
        if isinstance(doc, BankError):
            errors.append(doc)
            continue
        file_questions, file_errors = check_file(doc)
        errors.extend(file_errors)
        for question in file_questions:
            if question.id in first_seen:
                other = first_seen[question.id]
                errors.append(BankError(doc.file, question.line, question.id,
                                        f"duplicate id, already used at {other.file}:{other.line}"))
                continue
            first_seen[question.id] = question
            questions.append(question)
    if not bank_files(course):
        errors.append(BankError(shown_path(course, course.question_bank), 0, "", "no *.yaml files"))
    return questions, sorted(errors)


def check_file(doc: LocatedDocument) -> tuple[list[Question], list[BankError]]:
    """Questions of one parsed file that pass every check, and the errors of the others."""
    errors = [BankError(doc.file, doc.line(e.absolute_path), "", f"a bank file is a list of questions: {e.message}")
              for e in _FILE.iter_errors(doc.data)]
    if errors:
        return [], errors
    questions = []
    for index, data in enumerate(doc.data):
        qid = data.get("id") if isinstance(data.get("id"), str) else f"#{index + 1}"
        problems = [(line, f"key {key!r} appears twice") for line, key in duplicate_keys(doc.node_at([index]))]
        problems += [(doc.line([index, *_schema_path(e)]), _schema_message(e))
                     for e in _QUESTION.iter_errors(data)]
        if not problems:
            problems = [(doc.line([index, *path]), msg) for path, msg in _semantic_problems(data)]
        errors.extend(BankError(doc.file, line, qid, msg) for line, msg in problems)
        if not problems:
            questions.append(Question.from_data(data, file=doc.file, line=doc.line([index])))
    return questions, errors


def _schema_path(error: Any) -> list[Any]:
    """Where a schema error points; for an unknown field, at the field itself."""
    path = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        unknown = [k for k in error.instance if k not in error.schema.get("properties", {})]
        path += unknown[:1]
    return path


def _schema_message(error: Any) -> str:
    field = ".".join(str(p) for p in error.absolute_path)
    if error.validator == "additionalProperties":
        return f"unknown field: {error.message}"
    if error.validator == "required":
        return f"missing field: {error.message}"
    if error.validator == "not":  # a field the question's type forbids; the schema says which
        forbidden = error.validator_value.get("required", [])
        if forbidden == ["choices"]:
            return "true_false questions have no choices"
        if forbidden == ["scoring"]:
            return "only multiple questions may have scoring"
        return "only numeric questions may have tolerance or params"
    return f"{field or 'question'}: {error.message}"


def _semantic_problems(q: dict[str, Any]) -> Iterator[tuple[list[Any], str]]:
    """Rules between fields, as (path inside the question, message): its type's rules."""
    yield from question_type(q["type"]).problems(q)
