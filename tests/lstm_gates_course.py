"""The course files of a new code assignment, `lstm_gates`, as an instructor would write them:
a source notebook with nbgrader cells, hidden tests and one simulated mistake. Nothing here is
package code; tests/test_new_assignment.py adds these files to a copy of the course."""
from __future__ import annotations

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NAME = "lstm_gates"
POINTS = 3.0

SOLUTION = '''import numpy as np


def forget_gate(X_t, H_prev, W_f, U_f, b_f):
    """sigmoid(X_t W_f + H_prev U_f + b_f), shape (n, h)"""
    ### BEGIN SOLUTION
    return 1.0 / (1.0 + np.exp(-(X_t @ W_f + H_prev @ U_f + b_f)))
    ### END SOLUTION
'''

VISIBLE_CHECK = '''n, d, h = 2, 3, 4
out = forget_gate(np.zeros((n, d)), np.zeros((n, h)), np.zeros((d, h)), np.zeros((h, h)), np.zeros(h))
assert out.shape == (n, h), "forget_gate: expected shape (n, h)"
'''

HIDDEN_TESTS = '''import numpy as np
import pytest

from grucourse.judge.checks import assert_matches

pytestmark = pytest.mark.grade_id("forget_gate_tests")


def forget(X, H, W, U, b):
    return 1.0 / (1.0 + np.exp(-(X @ W + H @ U + b)))


@pytest.mark.weight(2)
def test_forget_gate_matches_the_lstm_equation(student, rng):
    """forget_gate matches sigmoid(X W_f + H_prev U_f + b_f)"""
    n, d, h = 3, 4, 5
    X, H = rng.standard_normal((n, d)), rng.standard_normal((n, h))
    W, U, b = rng.standard_normal((d, h)), rng.standard_normal((h, h)), rng.standard_normal(h)
    assert_matches(student.forget_gate(X, H, W, U, b), forget(X, H, W, U, b), name="forget_gate",
                   hints={"the bias b_f is missing": forget(X, H, W, U, 0 * b)})


def test_forget_gate_is_a_gate(student, rng):
    """forget_gate stays strictly between 0 and 1"""
    X, H = 50 * rng.standard_normal((2, 3)), rng.standard_normal((2, 4))
    got = np.asarray(student.forget_gate(X, H, rng.standard_normal((3, 4)), rng.standard_normal((4, 4)), np.zeros(4)))
    assert got.shape == (2, 4) and np.all((got >= 0) & (got <= 1)), "forget_gate: values outside [0, 1]"
'''

SIMULATED = '''no_bias:
  forget_gate:
    - old: "H_prev @ U_f + b_f)))"
      new: "H_prev @ U_f)))"
'''


def _nbgrader(grade_id: str, **flags: object) -> dict:
    return {"nbgrader": {"grade_id": grade_id, "locked": not flags.get("solution", False), "schema_version": 3,
                         "grade": False, "solution": False, **flags}}


def source_notebook():
    """The instructor's notebook: a solution cell and the graded cell its hidden tests score."""
    return new_notebook(cells=[
        new_markdown_cell("# LSTM gates\n\nThe forget gate F_t = sigmoid(X_t W_f + H_prev U_f + b_f)."),
        new_code_cell(SOLUTION, metadata=_nbgrader("forget_gate", solution=True)),
        new_code_cell(VISIBLE_CHECK, metadata=_nbgrader("forget_gate_tests", grade=True, points=POINTS)),
    ], metadata={"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}})
