"""The bank is valid, and the validator names file, line and question for each kind of mistake."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from course_support import REPO

from grucourse.course import Course
from grucourse.quiz.bank import validate_all
from grucourse.quiz.build import write_quiz_sources
from grucourse.quiz.errors import InvalidBank

GOOD = """\
- id: first_q
  type: single
  prompt: Pick one.
  choices:
    a: one
    b: two
  answer: b
  explanation: Because.
  points: 1
  source: Somebody 2014, section 1

- id: second_q
  type: numeric
  prompt: "d = {d}: how much? Give the exact integer."
  answer: 3
  tolerance: 0
  params:
    values:
      d: [1, 2]
    formula: 3 * d
  explanation: Three times d.
  points: 2
  source: Somebody 2014, section 2
"""


def test_repository_bank_is_valid_and_large_enough() -> None:
    questions, quizzes, errors = validate_all(REPO)
    assert errors == []
    for stem in ("introduction", "lstm_vs_gru"):
        mine = [q for q in questions if Path(q.file).stem == stem]
        assert len(mine) >= 12
        assert {q.type for q in mine} == {"single", "multiple", "true_false", "numeric"}
    assert {q.scoring for q in questions if q.type == "multiple"} == {"all_or_nothing", "partial"}
    assert {q.name: len(q.slots) for q in quizzes} == {"quiz_introduction": 7, "quiz_lstm_vs_gru": 4}
    for quiz in quizzes:
        for slot in quiz.slots:
            assert len(slot.candidates) >= 3 and slot.shuffle, slot.id
            assert {q.topic for q in slot.candidates} == {slot.id}
    assert sum(s.id == "param_count" for q in quizzes for s in q.slots) == 1  # parameter counts: one slot


def test_every_question_says_what_its_source_is_cited_for() -> None:
    for question in validate_all(REPO)[0]:
        assert "(" in question.source and ")" in question.source, question.id


def test_parameter_count_keys_match_the_spec_formulas_and_torch() -> None:
    import torch
    questions = {q.id: q for q in validate_all(REPO)[0]}
    d, h = 10, 20
    assert questions["rnn_params_any_length"].answer == h * (d + h + 1)
    assert questions["gru_param_count"].answer == 3 * h * (d + h + 1)
    assert questions["lstm_param_count"].answer == 4 * h * (d + h + 1)
    assert questions["torch_gru_param_count"].answer == sum(p.numel() for p in torch.nn.GRU(d, h).parameters())


MULTIPLE = GOOD.replace("type: single", "type: multiple").replace("answer: b\n", "answer: [b]\n  scoring: partial\n")


def bad_course(tmp_path: Path, text: str, other: str | None = None) -> Course:
    bank = tmp_path / "question_bank"
    bank.mkdir()
    (bank / "topic.yaml").write_text(text)
    if other is not None:
        (bank / "other.yaml").write_text(other)
    return Course.at(tmp_path)


def edit(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


MISTAKES = [
    ("unknown field", edit(GOOD, "  points: 1\n", "  points: 1\n  weight: hard\n"), 10, "first_q", "unknown field"),
    ("unknown type", edit(GOOD, "  type: single\n", "  type: essay\n"), 2, "first_q", "'essay' is not one of"),
    ("unknown difficulty", edit(GOOD, "  points: 1\n", "  points: 1\n  difficulty: tough\n"), 10, "first_q", "difficulty"),
    ("precision not stated", edit(GOOD, " Give the exact integer.", ""), 14, "second_q", "must state the precision"),
    ("missing field", edit(GOOD, "  explanation: Because.\n", ""), 1, "first_q", "missing field: 'explanation'"),
    ("wrong type", edit(GOOD, "  points: 2\n", "  points: two\n"), 22, "second_q", "points"),
    ("key not a choice", edit(GOOD, "  answer: b\n", "  answer: c\n"), 7, "first_q", "not among the choices"),
    ("numeric without tolerance", edit(GOOD, "  tolerance: 0\n", ""), 12, "second_q", "'tolerance' is a required"),
    ("params name unknown", edit(GOOD, "formula: 3 * d", "formula: 3 * e"), 18, "second_q", "bad params"),
    ("params answer mismatch", edit(GOOD, "  answer: 3\n", "  answer: 4\n"), 15, "second_q", "bad params"),
    ("params not shown", edit(GOOD, "d = {d}: how", "how"), 14, "second_q", "bad params"),
    ("params not numbers", edit(GOOD, "d: [1, 2]", "d: [1, x]"), 19, "second_q", "params.values.d.1"),
    ("duplicate key", edit(GOOD, "  points: 1\n", "  points: 1\n  points: 3\n"), 10, "first_q", "'points' appears twice"),
    ("yaml syntax", edit(GOOD, "    b: two\n", "    b: [two\n"), 7, "first_q", "YAML syntax error"),
    ("scoring not multiple", edit(GOOD, "  points: 1\n", "  points: 1\n  scoring: partial\n"), 1, "first_q",
     "only multiple questions may have scoring"),
    ("tolerance not numeric", edit(GOOD, "  points: 1\n", "  points: 1\n  tolerance: 0\n"), 1, "first_q",
     "only numeric questions may have tolerance or params"),
    ("unknown scoring", edit(MULTIPLE, "  scoring: partial\n", "  scoring: most\n"), 8, "first_q", "scoring: 'most'"),
]


@pytest.mark.parametrize("text,line,qid,words", [m[1:] for m in MISTAKES], ids=[m[0] for m in MISTAKES])
def test_validator_names_file_line_and_question(tmp_path: Path, text: str, line: int, qid: str, words: str) -> None:
    _, _, errors = validate_all(bad_course(tmp_path, text))
    assert len(errors) >= 1, "the mistake went unnoticed"
    error = errors[0]
    assert (error.file, error.line, error.question) == ("question_bank/topic.yaml", line, qid), str(error)
    assert words in error.message
    assert f"question_bank/topic.yaml:{line}:" in str(error)


def test_good_bank_has_no_errors(tmp_path: Path) -> None:
    assert validate_all(bad_course(tmp_path, GOOD))[2] == []


def test_scoring_defaults_to_all_or_nothing(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    questions, _, errors = validate_all(bad_course(tmp_path / "a", MULTIPLE))
    assert errors == [] and questions[0].scoring == "partial"
    (tmp_path / "b").mkdir()
    plain = MULTIPLE.replace("  scoring: partial\n", "")
    assert validate_all(bad_course(tmp_path / "b", plain))[0][0].scoring == "all_or_nothing"


def test_duplicate_id_across_files_names_both_places(tmp_path: Path) -> None:
    other = yaml.safe_dump([yaml.safe_load(GOOD)[0]], sort_keys=False)
    _, _, errors = validate_all(bad_course(tmp_path, GOOD, other))
    assert [(e.file, e.question) for e in errors] == [("question_bank/topic.yaml", "first_q")]
    assert "duplicate id, already used at question_bank/other.yaml:1" in errors[0].message


def test_building_refuses_an_invalid_bank(tmp_path: Path) -> None:
    course = bad_course(tmp_path, edit(GOOD, "  answer: b\n", "  answer: z\n"))
    (tmp_path / "quizzes").mkdir()
    (tmp_path / "quizzes" / "quiz_x.yaml").write_text("title: X\nquestions: [first_q]\n")
    with pytest.raises(InvalidBank, match="topic.yaml:7"):
        write_quiz_sources(course)
    assert not course.source_notebook("quiz_x").exists()


def test_quiz_definition_with_unknown_question_is_an_error(tmp_path: Path) -> None:
    course = bad_course(tmp_path, GOOD)
    (tmp_path / "quizzes").mkdir()
    (tmp_path / "quizzes" / "quiz_x.yaml").write_text("title: X\nquestions:\n  - first_q\n  - nope\n")
    errors = validate_all(course)[2]
    assert [(e.file, e.line, e.question) for e in errors] == [("quizzes/quiz_x.yaml", 4, "nope")]


@pytest.mark.slow
def test_cli_validate_prints_errors_and_fails(tmp_path: Path) -> None:
    bad_course(tmp_path, edit(GOOD, "  answer: b\n", "  answer: c\n"))
    run = subprocess.run([sys.executable, "-m", "grucourse.cli", "--course", str(tmp_path), "quiz", "validate"],
                         capture_output=True, text=True)
    assert run.returncode == 1
    assert "question_bank/topic.yaml:7: question first_q: answer key 'c' is not among" in run.stdout
    ok = subprocess.run([sys.executable, "-m", "grucourse.cli", "--course", str(REPO.root), "quiz", "validate"],
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr


def test_one_module_per_question_type_behind_one_interface() -> None:
    """The registry is the schema's list of types; each type brings its own schema fragment,
    answer instruction and export names (an unknown type is refused above, never defaulted)."""
    from grucourse.quiz.schema import QUESTION_SCHEMA
    from grucourse.quiz.types import QUESTION_TYPES
    from grucourse.quiz.types.base import QuestionType

    assert QUESTION_SCHEMA["properties"]["type"]["enum"] == list(QUESTION_TYPES) == [
        "single", "multiple", "true_false", "numeric"]
    fragments = [rule.get("then") for rule in QUESTION_SCHEMA["allOf"]]
    for name, kind in QUESTION_TYPES.items():
        assert isinstance(kind, QuestionType) and kind.name == name
        assert kind.__module__ == f"grucourse.quiz.types.{name}"
        assert kind.schema in fragments and "{var}" in kind.how_to_answer
        assert kind.moodle_type and kind.jupyterquiz_type
