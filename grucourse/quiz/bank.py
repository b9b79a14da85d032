"""The validated question bank and quizzes: the only way the builder and the grader read them."""
from __future__ import annotations

from grucourse.course import Course
from grucourse.quiz.definitions import Quiz, quiz_files, resolve_quiz
from grucourse.quiz.errors import BankError, InvalidBank
from grucourse.quiz.model import Question
from grucourse.quiz.validate import check_bank, shown_path


def validate_all(course: Course, cues: bool = False) -> tuple[list[Question], list[Quiz], list[BankError]]:
    """Every bank file and quiz definition checked; all errors, not just the first. With `cues`
    (`grucourse quiz validate`, building), answer cues over their thresholds are errors too
    (`grucourse.quiz.cues`); grading skips that measurement."""
    questions, errors = check_bank(course)
    quizzes = []
    for path in quiz_files(course):
        quiz = resolve_quiz(course, path, questions)
        if isinstance(quiz, Quiz):
            quizzes.append(quiz)
        else:
            errors.extend(quiz)
    if cues and not errors:
        errors += cue_errors(course, questions, quizzes)
    return questions, quizzes, sorted(errors)


def cue_errors(course: Course, questions: list[Question], quizzes: list[Quiz]) -> list[BankError]:
    """Length, position and true/false cues of each pool, blind strategies beating guessing on a quiz."""
    from grucourse.quiz.cues import bank_cues, quiz_cues

    found = [BankError(shown_path(course, course.question_bank / f"{p.pool}.yaml"), 1, "", f"answer cue: {msg}")
             for p in bank_cues(questions) for msg in p.problems()]
    found += [BankError(shown_path(course, course.quizzes / f"{quiz.name}.yaml"), 1, "", f"answer cue: {msg}")
              for quiz in quizzes for msg in quiz_cues(quiz).problems()]
    return found


def load_bank(course: Course) -> list[Question]:
    """Every question in file order; InvalidBank if anything in the bank or quizzes is wrong."""
    questions, _, errors = validate_all(course)
    if errors:
        raise InvalidBank(errors)
    return questions


def load_quizzes(course: Course, cues: bool = False) -> dict[str, Quiz]:
    """All quizzes by assignment name; InvalidBank if anything in the bank or quizzes is wrong."""
    _, quizzes, errors = validate_all(course, cues)
    if errors:
        raise InvalidBank(errors)
    return {quiz.name: quiz for quiz in quizzes}


def load_quiz(course: Course, assignment: str) -> Quiz:
    """One quiz by assignment name (KeyError if there is no quizzes/<assignment>.yaml)."""
    quizzes = load_quizzes(course)
    if assignment not in quizzes:
        raise KeyError(f"no quiz definition {assignment}.yaml in {course.quizzes}")
    return quizzes[assignment]
