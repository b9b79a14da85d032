"""GRU course grader: reference GRU, trusted judge, quiz engine and class grading for nbgrader."""

__version__ = "0.1.0"
