"""The `student` proxy against a real sandboxed worker: values, warnings, arguments after the
call, probes, and the errors hidden tests see."""
from __future__ import annotations

import numpy as np
import pytest

from grucourse.judge.protocol import Foreign, Probe
from grucourse.judge.runner import NotebookRunner
from grucourse.judge.sandbox import Sandbox
from grucourse.judge.student import Student, StudentError

CODE = '''
import numpy as np
np.seterr(all="ignore")            # must not hide warnings from the grader
def naive_sigmoid(x):
    return 1 / (1 + np.exp(-x))
def stable_sigmoid(x):
    return np.where(x >= 0, 1 / (1 + np.exp(-np.abs(x))), np.exp(-np.abs(x)) / (1 + np.exp(-np.abs(x))))
def halve_in_place(x):
    x /= 2
    return None
def gradient(f, x, eps=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps; up = f(x)
        x[i] = old - eps; down = f(x)
        x[i] = old
        g[i] = (up - down) / (2 * eps)
    return g
def odd_things():
    return [object(), {1: 2}, (1.5, "text", None, np.float32(2))]
def fails():
    raise ValueError("bad shape")
def leaks(x):
    raise ValueError(f"shape {x.shape} values {x.ravel()[:3]} first {x.ravel()[0]!r}")
not_a_function = 3
def slow(seconds):
    import time
    time.sleep(seconds)
    return seconds
'''


@pytest.fixture(scope="module")
def student():
    runner = NotebookRunner([(0, CODE)], Sandbox(call_timeout=1.0), [])
    runs = runner.run_cells()
    assert runs[0].error is None, runs[0].error
    yield Student(runner)
    runner.close()


def test_warnings_raised_during_a_call_are_returned(student: Student) -> None:
    x = np.array([-1000.0, 0.0, 1000.0])
    naive = student.call("naive_sigmoid", x)
    assert any("overflow" in w for w in naive.warnings)
    stable = student.call("stable_sigmoid", x)
    assert stable.warnings == [] and np.allclose(stable.value, [0.0, 0.5, 1.0])


def test_arguments_after_the_call_show_in_place_changes(student: Student) -> None:
    x = np.array([2.0, 4.0])
    result = student.call("halve_in_place", x)
    assert result.value is None and np.array_equal(result.args_after[0][0], [1.0, 2.0])
    assert np.array_equal(x, [2.0, 4.0]), "the grader's own array must never change"


def test_probes_by_position_and_keyword(student: Student) -> None:
    rng = np.random.default_rng(0)
    A, x = rng.uniform(0.5, 2, (2, 3)), rng.standard_normal((2, 3))
    exact = 2 * A * x + np.cos(x)
    assert np.allclose(student.gradient(Probe("quadratic", A=A), x), exact, atol=1e-6)
    assert np.allclose(student.gradient(f=Probe("closure_quadratic", A=A, x_index="x"), x=x), exact, atol=1e-6)
    call = student.call("gradient", Probe("closure_quadratic", A=A, x_index=1), x)
    assert np.array_equal(call.args_after[0][1], x), "the closure probe saw the restored x"


def test_odd_values_come_back_as_plain_data_or_foreign(student: Student) -> None:
    value = student.odd_things()
    assert isinstance(value[0], Foreign) and value[0].type_name == "object"
    assert isinstance(value[1], Foreign)
    assert value[2][:3] == (1.5, "text", None) and value[2][3].dtype == np.float32


def test_errors_name_the_function(student: Student) -> None:
    with pytest.raises(StudentError, match="^fails raised ValueError: bad shape$"):
        student.fails()
    with pytest.raises(StudentError, match="^missing is not defined$"):
        student.missing()
    with pytest.raises(StudentError, match="not_a_function is not a function"):
        student.not_a_function()


def test_exception_text_never_echoes_hidden_input_values(student: Student) -> None:
    x = np.array([[0.123456, -2.5e-3, 7.0], [1.0, 2.0, 3.0]])
    with pytest.raises(StudentError) as raised:
        student.leaks(x)
    message = str(raised.value)
    assert "shape (2, 3)" in message
    for shown in ("0.123", "123456", "2.5", "e-03", "7."):
        assert shown not in message, message


def test_time_limit_lengthens_the_calls_inside_the_block_only(student: Student) -> None:
    with student.time_limit(6.0):
        assert student.slow(1.5) == 1.5
    with pytest.raises(StudentError, match="1 s call"):
        student.slow(1.5)
