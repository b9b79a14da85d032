"""Cells without IPython features run with plain `exec` (no IPython shell to start): the choice
of interpreter, and that students see the same outputs either way."""
from __future__ import annotations

import pytest

from grucourse.judge.runner import CellRun, NotebookRunner, needs_ipython
from grucourse.judge.sandbox import Sandbox

CELLS = [
    (0, "import numpy as np\nfrom dataclasses import dataclass\nimport pickle\nprint('hello')"),
    (1, "x = 21\nx * 2"),
    (2, "list(range(40))"),
    (3, "{'a' * 30: 1, 'b' * 30: 2, 'c' * 30: 3}"),
    (4, "x * 2;  # a trailing semicolon silences the result"),
    (5, "print('no result')"),
    (6, "def area(w: int, h: int) -> int:\n    return w * h\narea.__annotations__"),
    (7, "@dataclass\nclass Point:\n    x: float\n    y: float\npickle.loads(pickle.dumps(Point(1.0, 2.0)))"),
    (8, "np.float64(0.1) + 0.2"),
    (9, "def inner():\n    raise ValueError('bad shape (3, 2)')\ninner()"),
    (10, "import warnings\nwarnings.warn('careful')\n'after'"),
    (11, "for _ in range(2):\n    pass\nnp.arange(3)"),
]


def run(cells: list[tuple[int, str]], ipython: bool) -> dict[int, CellRun]:
    runner = NotebookRunner(cells, Sandbox(), [])
    runner.ipython = ipython
    try:
        return runner.run_cells()
    finally:
        runner.close()


@pytest.fixture(scope="module")
def both() -> tuple[dict[int, CellRun], dict[int, CellRun]]:
    assert not needs_ipython([source for _, source in CELLS])
    return run(CELLS, ipython=False), run(CELLS, ipython=True)


def test_plain_cells_show_what_ipython_shows(both) -> None:
    plain, shell = both
    for index, _ in CELLS:
        assert (plain[index].stdout, plain[index].result) == (shell[index].stdout, shell[index].result), index
    assert plain[1].result == "42" and plain[4].result is None and plain[5].result is None
    assert "\n" in plain[2].result, "long values are pretty-printed over several lines, as IPython does"
    assert plain[6].result == "{'w': int, 'h': int, 'return': int}", "the worker's own __future__ flags leak"
    assert plain[7].result == "Point(x=1.0, y=2.0)"


def test_plain_cells_report_errors_and_warnings(both) -> None:
    plain, shell = both
    assert plain[9].error[:2] == shell[9].error[:2] == ("ValueError", "bad shape (3, 2)")
    assert "raise ValueError('bad shape (3, 2)')" in plain[9].error[2] and "inner()" in plain[9].error[2]
    assert "judge_worker" not in plain[9].error[2], "the worker's own frames are not the student's"
    assert "careful" in plain[10].stderr and "careful" in shell[10].stderr
    assert all(plain[i].error is None for i, _ in CELLS if i != 9)


@pytest.mark.parametrize("source", [
    "%matplotlib inline", "!ls", "x?", "%%time\nx = 1", "display(3)", "get_ipython()", "Out[1]", "In",
    "print(_)", "_ + 1", "__", "_i1", "_3", "exit()", "from __future__ import annotations", "import IPython",
    "open('f')", "globals()['x']", "eval('1')", "  x = 1", "await f()", "x = (",
])
def test_cells_using_ipython_features_get_ipython(source: str) -> None:
    assert needs_ipython(["x = 1", source])


@pytest.mark.parametrize("source", [
    "for _ in range(3):\n    pass", "_, y = divmod(7, 2)", "f = lambda _: 0", "[0 for _ in range(2)]",
    "a__b = 1\nx_1 = 2\n_x = 3\nprint(__name__)", "Input = 1\ndisplayed = 2\nexited = 3\nopened = 4",
])
def test_plain_python_cells_run_without_ipython(source: str) -> None:
    assert not needs_ipython([source])


def test_magics_still_work_through_ipython() -> None:
    cells = [(0, "%matplotlib inline\nx = 5"), (1, "!echo shell-escape"), (2, "x + 1")]
    runner = NotebookRunner(cells, Sandbox(), [])
    assert runner.ipython
    try:
        runs = runner.run_cells()
    finally:
        runner.close()
    assert all(runs[i].error is None for i in range(3)), [runs[i].error for i in range(3)]
    assert "shell-escape" in runs[1].stdout + runs[1].stderr and runs[2].result == "6"
