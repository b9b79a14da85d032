"""One module per question type, each a `QuestionType` (grucourse.quiz.types.base): schema
fragment, field rules, how to answer, the key as a student sees it, grading, guessing, the
answers a simulated student gives, and the export hooks. `QUESTION_TYPES` is the registry;
a type not in it is a validation error (the schema's enum), never a fallback."""
from __future__ import annotations

from grucourse.quiz.types.base import QuestionType
from grucourse.quiz.types.multiple import MultipleChoice
from grucourse.quiz.types.numeric import Numeric
from grucourse.quiz.types.single import SingleChoice
from grucourse.quiz.types.true_false import TrueFalse

QUESTION_TYPES: dict[str, QuestionType] = {t.name: t for t in (SingleChoice(), MultipleChoice(), TrueFalse(), Numeric())}


def question_type(name: str) -> QuestionType:
    """The type `name`; KeyError for one the validator would have refused."""
    return QUESTION_TYPES[name]
