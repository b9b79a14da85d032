"""What the trusted grader spends on one submission is bounded, whatever the student sends.

Student code owns the worker, so it can replace the worker's reply writer and answer every call
with anything. The frame reader refuses oversized headers before buffering them, counts a
header's values, depth and string lengths on its bytes (`protocol.scan_json`) before parsing
it, checks each `.npy` header before loading it, decodes a blob once, and charges every frame
to one budget per submission. Notebooks are measured the same way before they are parsed
(`notebook.NotebookLimits`). The slow tests grade the attacks with the real judge in a fresh
process and read that process's peak RSS (VmHWM, reset after a warm-up grading) and CPU time.
"""
from __future__ import annotations

import io
import json
import random
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import attacks
import nbformat
import numpy as np
import pytest
from attacks import course as kit

from grucourse.judge import protocol
from grucourse.judge.notebook import NotebookLimits, NotebookUnreadable, read_notebook
from grucourse.judge.protocol import (
    Budget,
    BudgetSpent,
    FrameReader,
    Limits,
    ProtocolError,
    decode,
    pack,
    scan_json,
)

RSS_GROWTH_MB = 300
CPU_SECONDS = 20.0
FLOODS = ("reply_tiny_items_flood", "reply_deep_nesting", "reply_many_medium_frames", "reply_repeated_blob")


def _values(value) -> int:
    if isinstance(value, list):
        return 1 + sum(map(_values, value))
    if isinstance(value, dict):
        return 1 + sum(map(_values, value.values()))
    return 1


def _random_json(rng: random.Random, depth: int = 0):
    roll = rng.random()
    if depth > 5 or roll < 0.3:
        return rng.choice([0, 1.5, None, True, "", "a\"b\\", "\\", ",[{", "\\\"]", "é}"])
    if roll < 0.65:
        return [_random_json(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {rng.choice(["k", "\\\"", ",", "é[]", "{"]) + str(i): _random_json(rng, depth + 1) for i in range(rng.randint(0, 4))}


def test_scan_counts_values_escapes_and_strings_included() -> None:
    """The count is an upper bound within a factor 2 of the values json.loads builds, whatever
    brackets, commas, quotes and backslashes the strings hold."""
    rng = random.Random(13)
    for _ in range(1500):
        value = _random_json(rng)
        for ascii_only in (True, False):
            text = json.dumps(value, ensure_ascii=ascii_only).encode()
            assert _values(value) <= scan_json(text, 10**6, 100, 10**6) <= 2 * _values(value) + 1, text


def test_scan_refuses_many_values_deep_nesting_and_long_strings_cheaply() -> None:
    with pytest.raises(ProtocolError, match="more than 1000 values"):
        scan_json(b"[" + b"{}," * 5000 + b"{}]", 1000, 10, 100)
    with pytest.raises(ProtocolError, match="nested deeper than 40"):
        scan_json(b"[" * 41 + b"]" * 41, 1000, 40, 100)
    scan_json(b"[" * 40 + b"]" * 40, 1000, 40, 100)
    spanning = json.dumps(["x" * (3 << 20), [1, 2], "y"]).encode()  # a string across 1 MiB chunks
    assert scan_json(spanning, 100, 10, 3 << 20) == 6
    with pytest.raises(ProtocolError, match="string longer"):
        scan_json(spanning, 100, 10, (3 << 20) - 1)
    start = time.process_time()
    for filler in (b"0,", b"{},"):
        with pytest.raises(ProtocolError):
            scan_json(b"[" + filler * (8 << 20) + b"0]", 320_000, 40, 1000)
    for filler in (b'\\"', b'"', b"\\"):  # invalid JSON: json.loads stops at its first bytes
        assert scan_json(b"[" + filler * (8 << 20) + b"0]", 320_000, 40, 1000) <= 2
    assert time.process_time() - start < 10, "scanning must stay linear whatever the bytes are"


def test_frame_header_over_the_cap_is_refused_before_it_arrives() -> None:
    frame = pack({"op": "value", "pad": "x" * 5000})
    reader = FrameReader(Limits(max_header_bytes=4096))
    with pytest.raises(ProtocolError, match="header of .* exceeds the limit of 4096"):
        list(reader.feed(frame[:20]))  # the prefix alone is enough to refuse it


def test_one_budget_bounds_the_replies_of_every_worker_of_a_submission() -> None:
    budget = Budget(max_bytes=10_000, max_json_items=10**6)
    frame = pack({"op": "value", "pad": "x" * 3000})
    first, second = FrameReader(budget=budget), FrameReader(budget=budget)  # e.g. after a restart
    assert len(list(first.feed(frame))) == 1 and len(list(first.feed(frame))) == 1
    assert len(list(second.feed(frame))) == 1
    with pytest.raises(BudgetSpent, match="more than the grader reads for one submission"):
        list(second.feed(frame))
    items = Budget(max_bytes=10**9, max_json_items=2500)
    with pytest.raises(BudgetSpent):
        for _ in range(3):
            list(FrameReader(budget=items).feed(pack({"pad": [0] * 1000})))


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def test_a_blob_is_decoded_once_and_its_header_checked_before_loading() -> None:
    blob = _npy(np.zeros(10))
    assert decode({"t": "ndarray", "b": 0}, [blob]).shape == (10,)
    with pytest.raises(ProtocolError, match="bad array reference"):
        decode({"t": "list", "v": [{"t": "ndarray", "b": 0}] * 2}, [blob])
    liar = blob.replace(b"(10,)", b"(20,)")  # the header claims more than the data holds
    with pytest.raises(ProtocolError):
        decode({"t": "ndarray", "b": 0}, [liar])
    huge = b"\x93NUMPY\x01\x00" + (118).to_bytes(2, "little") + (
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000000), }".ljust(117) + "\n").encode()
    with pytest.raises(ProtocolError, match="array too large"):
        decode({"t": "ndarray", "b": 0}, [huge + b"\0" * 64])


def test_notebook_limits_refuse_before_parsing(tmp_path: Path) -> None:
    limits = NotebookLimits(max_cells=50, max_cell_source_chars=1000, max_notebook_bytes=2**20, max_json_values=5000)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1") for _ in range(40)])
    path = tmp_path / "ok.ipynb"
    nbformat.write(nb, path)
    assert len(read_notebook(path, limits=limits).cells) == 40
    cases = {
        "cells": (nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("") for _ in range(101)]),
                  "more than the 50 cells"),
        "source": (nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("#" * 1001)]), "cell 0 has 1001 characters"),
        "bytes": (nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("x" * 1000) for _ in range(1100)]),
                  "more than the 1048576 a notebook may have"),
    }
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(1)")])
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text=["1\n"] * 6000)]
    cases["values"] = (nb, "more than 5000 values")
    for name, (notebook, message) in cases.items():
        path = tmp_path / f"{name}.ipynb"
        path.write_text(json.dumps(notebook))
        with pytest.raises(NotebookUnreadable, match=message):
            read_notebook(path, limits=limits)


def test_notebook_limits_are_set_in_the_course_config() -> None:
    from grucourse.judge.notebook import course_notebook_limits

    limits = course_notebook_limits(kit.REPO / "nbgrader_config.py")
    assert "NotebookLimits" in (kit.REPO / "nbgrader_config.py").read_text()
    assert limits.max_cells >= 1000 and limits.max_notebook_bytes >= 16 * 2**20


# ------------------------------------------------------------------ the real judge, measured

_MEASURE = textwrap.dedent("""
    import json, resource, sys
    from pathlib import Path
    from grucourse.course import Course
    from grucourse.judge.grade import grade_submission
    from grucourse.judge.sandbox import Sandbox

    root, student, path, warmup = sys.argv[1:5]
    course = Course.at(Path(root))
    sandbox = Sandbox(call_timeout=10.0, cell_timeout=10.0, notebook_timeout=60.0, max_restarts=3)
    grade_submission(course, "blank", "gru_gates", Path(warmup), sandbox)  # imports, pytest, caches

    def status(key):
        line = next(l for l in Path("/proc/self/status").read_text().splitlines() if l.startswith(key))
        return int(line.split()[1]) / 1024

    Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
    rss, usage = status("VmRSS:"), resource.getrusage(resource.RUSAGE_SELF)
    result = grade_submission(course, student, "gru_gates", Path(path), sandbox)
    after = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"rss_growth_mb": status("VmHWM:") - rss,
                      "cpu_s": after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime,
                      "score": result.score, "max_score": result.max_score,
                      "problems": result.problems, "log": result.log[:40],
                      "failed": [c.message for cell in result.cells.values() for c in cell.checks if not c.passed]}))
""")


def _measure(course: kit.Course, student: str, path: Path, blank: Path) -> dict:
    """Grades `path` in a fresh process, after a warm-up grading, and reports what it cost it."""
    proc = subprocess.run([sys.executable, "-c", _MEASURE, str(course.root), student, str(path), str(blank)],
                          capture_output=True, text=True, timeout=900, cwd=kit.REPO)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> kit.Course:
    return kit.copy_course(tmp_path_factory.mktemp("bounds") / "course")


@pytest.fixture(scope="module")
def blank(course: kit.Course) -> tuple[Path, dict]:
    path = kit.submit(course, "blank", kit.release_notebook(course))
    return path, _measure(course, "blank_again", kit.submit(course, "blank_again", kit.release_notebook(course)), path)


def _assert_bounded(cost: dict, blank_cost: dict, what: str) -> None:
    assert cost["rss_growth_mb"] < RSS_GROWTH_MB, f"{what}: {cost['rss_growth_mb']:.0f} MB of RSS growth"
    assert cost["cpu_s"] < CPU_SECONDS, f"{what}: {cost['cpu_s']:.1f} s of CPU in the grader"
    assert cost["score"] == blank_cost["score"] and cost["max_score"] == blank_cost["max_score"], (what, cost)


@pytest.mark.slow
@pytest.mark.parametrize("name", FLOODS)
def test_a_hostile_reply_writer_costs_the_grader_a_bounded_amount(course, blank, name: str) -> None:
    blank_path, blank_cost = blank
    code = attacks.load(name).render(mark="M", course=course.root, repo=kit.REPO, port="1")
    path = kit.submit(course, name, kit.with_code(kit.release_notebook(course), code))
    cost = _measure(course, name, path, blank_path)
    _assert_bounded(cost, blank_cost, name)
    log = "\n".join(cost["log"])
    if name == "reply_many_medium_frames":  # every frame valid: only the submission's budget stops it
        assert "more than the grader reads for one submission" in log, log[:2000]
    elif name == "reply_repeated_blob":  # a valid frame whose value is refused when decoded
        assert any("returned a value the grader cannot accept" in m for m in cost["failed"]), cost["failed"][:5]
    else:
        assert "the worker sent an invalid message" in log, log[:2000]


@pytest.mark.slow
def test_a_notebook_of_150000_empty_cells_is_refused_at_once_naming_the_file(course, blank) -> None:
    blank_path, blank_cost = blank
    nb = kit.release_notebook(course)
    nb.cells += [nbformat.v4.new_code_cell("") for _ in range(150_000)]
    path = kit.submit(course, "padded", nb)
    cost = _measure(course, "padded", path, blank_path)
    _assert_bounded(cost, blank_cost, "150000 empty cells")
    assert cost["cpu_s"] < 5, cost["cpu_s"]
    assert any(p.startswith("padded/gru_gates/gru_gates.ipynb has more than the 2000 cells") for p in cost["problems"])


@pytest.mark.slow
def test_an_honest_submission_is_graded_in_full_under_the_same_bounds(course, blank) -> None:
    blank_path, blank_cost = blank
    path = kit.submit(course, "honest", kit.with_code(kit.release_notebook(course), attacks.load("correct").render(), "all"))
    cost = _measure(course, "honest", path, blank_path)
    assert cost["score"] == cost["max_score"] > 0, cost
    assert cost["rss_growth_mb"] < RSS_GROWTH_MB and cost["cpu_s"] < CPU_SECONDS, cost
    assert blank_cost["score"] < cost["max_score"]
    assert protocol.Limits().max_frame_bytes <= 16 * 2**20  # the caps the attacks above were measured at


@pytest.mark.slow
def test_the_reply_budget_is_one_for_the_submission_across_worker_restarts() -> None:
    """A worker restart must not hand the submission a fresh budget."""
    from grucourse.judge.runner import NotebookRunner
    from grucourse.judge.sandbox import Sandbox
    from grucourse.judge.student import Student, StudentError

    code = "import os\nimport numpy as np\ndef big():\n    return np.zeros(200_000)\ndef die():\n    os._exit(0)"
    runner = NotebookRunner([(0, code)], Sandbox(), [])
    runner.replies = Budget(max_bytes=3 * 2**20)  # room for one 1.6 MB reply, not two
    try:
        runner.run_cells()
        student = Student(runner)
        assert student.big().shape == (200_000,)
        with pytest.raises(StudentError, match="the worker process ended"):
            student.die()
        with pytest.raises(StudentError, match="more than the grader reads for one submission"):
            student.big()  # served by a restarted worker
        with pytest.raises(StudentError, match="later checks were not run"):
            student.big()
        assert runner.worker is None
    finally:
        runner.close()
