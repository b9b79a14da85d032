"""GRU course grader: reference GRU, trusted judge, quiz engine and class grading for nbgrader."""

__version__ = "0.1.0"

from grucourse.judge.lazy_formats import defer_iri_grammar  # noqa: E402  (before anything imports nbformat)

defer_iri_grammar()
