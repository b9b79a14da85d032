"""First hostile submissions against grade_submission: none may score more than a blank one,
and a function that crashes or hangs the sandbox costs only its own checks."""
from __future__ import annotations

import pytest
from judge_fixtures import toy_course as toy

from grucourse.judge.grade import grade_submission
from grucourse.judge.sandbox import Sandbox

WRONG = {"square_solution": "import numpy as np\ndef square(x):\n    return np.zeros_like(x)",
         "scale_solution": "def scale(x, k):\n    return x"}

ATTACKS = {
    "patched_assert_allclose": (WRONG, [
        "import numpy.testing, numpy as np\n"
        "numpy.testing.assert_allclose = lambda *a, **k: None\n"
        "np.allclose = lambda *a, **k: True\nnp.isclose = lambda a, b, **k: np.ones(np.shape(a), bool)"]),
    "equal_to_everything": ({
        "square_solution": "class Anything(float):\n    def __eq__(self, other):\n        return True\n"
                           "    __ne__ = lambda self, other: False\n"
                           "def square(x):\n    return Anything(0)",
        "scale_solution": "import numpy as np\nclass Arr(np.ndarray):\n    def __eq__(self, other):\n"
                          "        return np.ones(self.shape, bool)\ndef scale(x, k):\n    return np.zeros_like(x).view(Arr)"}, []),
    "input_transformer": (WRONG, [
        "ip = get_ipython()\nip.input_transformers_cleaned.append(lambda lines: ['pass\\n'])"]),
    "forged_protocol_frames": (WRONG, [
        "import os, sys, judge_protocol as p\nfd = int(sys.argv[2])\n"
        "os.write(fd, p.pack({'op': 'value', 'value': 1.0, 'args_after': None, 'warnings': []}))\n"
        "os.write(fd, b'garbage' * 100)"]),
    "exit_at_top_level": (toy.BLANK, ["import os\nos._exit(0)"]),
    "infinite_loop_at_top_level": (WRONG, ["while True:\n    pass"]),
    "replies_from_a_thread": (WRONG, [
        "import os, sys, threading, time, judge_protocol as p\nimport numpy as np\n"
        "def forge():\n    for i in range(1, 50):\n        time.sleep(0.05)\n        blobs = []\n"
        "        value = p.encode(np.ones((3, 5)), blobs)\n"
        "        os.write(int(sys.argv[2]), p.pack({'op': 'value', 'id': i, 'value': value, 'args_after': None, "
        "'warnings': []}, blobs))\n"
        "threading.Thread(target=forge, daemon=True).start()"]),
}


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory):
    return toy.make_course(tmp_path_factory.mktemp("attacks"))


@pytest.fixture(scope="module")
def blank_score(course) -> float:
    return grade_submission(course, "blank", toy.ASSIGNMENT, toy.submit(course, "blank", toy.BLANK)).score


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attack_scores_no_more_than_blank(course, blank_score: float, name: str) -> None:
    solutions, extra = ATTACKS[name]
    path = toy.submit(course, name, solutions, extra)
    result = grade_submission(course, name, toy.ASSIGNMENT, path, sandbox=Sandbox(cell_timeout=2, call_timeout=2))
    assert result.score <= blank_score, result.cells
    assert all(cell.max_score == toy_max for cell, toy_max in zip(result.cells.values(), (3.0, 2.0), strict=True))


@pytest.mark.slow
@pytest.mark.parametrize("body, expected", [
    ("import os\n    os._exit(3)", "the worker process ended (exited with status 3)"),
    ("while True:\n        pass", "the 1 s call time limit reached"),
    ("import os, signal\n    os.kill(os.getpid(), signal.SIGSEGV)", "killed by signal SIGSEGV"),
    ("return bytearray(2 * 1024 ** 3)", "MemoryError"),
])
def test_a_crashing_function_costs_only_its_own_checks(course, body: str, expected: str) -> None:
    solutions = {"square_solution": f"def square(x):\n    {body}"}
    path = toy.submit(course, "crasher", solutions)
    limits = Sandbox(call_timeout=1.0, cell_timeout=1.0, memory_mb=512, max_restarts=2)
    result = grade_submission(course, "crasher", toy.ASSIGNMENT, path, sandbox=limits)
    assert result.cells["square_tests"].score == 0.0
    assert result.cells["scale_tests"].score == 2.0, "the worker was not restarted for the next function"
    first, second = result.cells["square_tests"].checks
    assert expected in first.message
    assert "MemoryError" in expected or "not called again" in second.message
