"""Figures survive grading: what a cell leaves open in pyplot reaches the graded notebook and the
feedback page as a PNG, within the sandbox's caps, and nothing but a well-formed PNG gets through."""
from __future__ import annotations

import base64
import shutil
import struct
import zlib
from pathlib import Path

import nbformat
import pytest
from judge_fixtures import toy_course as toy

from grucourse.cli import main
from grucourse.judge.figures import PNG_SIGNATURE, accept_figures, png_size
from grucourse.judge.grade import grade_submission
from grucourse.judge.runner import CellRun, NotebookRunner
from grucourse.judge.sandbox import Sandbox
from grucourse.judge.student import Student
from grucourse.pipeline.autograded import render_autograded, save_autograded
from grucourse.pipeline.gradebook import write_gradebook
from grucourse.pipeline.nbgrader_app import register_assignments

REPO = Path(__file__).resolve().parents[1]


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(width: int = 3, height: int = 2) -> bytes:
    """A small RGB PNG written by hand (declared size only; a few rows of pixels)."""
    rows = b"".join(b"\0" + b"\x80" * 3 * min(width, 64) for _ in range(min(height, 4)))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def image_outputs(run: CellRun) -> list[dict]:
    return [o for o in run.outputs() if o["output_type"] == "display_data"]


def test_only_well_formed_pngs_pass() -> None:
    good = png(3, 2)
    assert png_size(good) == (3, 2)
    corrupt = bytearray(good)
    corrupt[40] ^= 0xFF  # inside IDAT: its CRC no longer matches
    for bad in (bytes(corrupt), good[:-4], good + b"trailing", b"<svg onload=alert(1)>", PNG_SIGNATURE,
                good.replace(b"IEND", b"IEN\0")):
        assert png_size(bad) is None, bad[:20]


def test_the_grader_caps_count_size_dimensions_and_the_notebook_total() -> None:
    sandbox = Sandbox(max_figures_per_cell=3, max_figure_bytes=2000, max_notebook_figure_bytes=10_000)
    huge_pixels = png(100_000, 2)
    small = png(64, 4)
    oversized = small[:33] + chunk(b"tEXt", b"comment\0" + b"x" * 3000) + small[33:]
    assert png_size(oversized) == (64, 4)
    figures, notes = accept_figures([png(), b"GIF89a", huge_pixels, png()], sandbox, room=10_000)
    assert [(f.width, f.height) for f in figures] == [(3, 2)]
    assert notes == ["[figure 2 dropped: not a PNG image]",
                     "[figure 3 dropped: 100000x2 pixels, over 2000 per side]",
                     "[1 figures dropped: at most 3 per cell]"]
    figures, notes = accept_figures([oversized, png(), png()], sandbox, room=len(png()) + 10)
    assert len(figures) == 1 and notes[:1] == [f"[figure 1 dropped: {len(oversized)} bytes, over the limit of 2000 per figure]"]
    assert notes[1:] == ["[figure 3 dropped: the notebook's figure limit of 10000 bytes was reached]"]


PLOTS = [
    "import matplotlib.pyplot as plt\nplt.plot([0, 1], [1, 0])",
    "%matplotlib inline\nfor _ in range(1000):\n    plt.figure()",
    "plt.figure(figsize=(500, 500)).gca().plot([0, 1])",
    "import numpy as np\nplt.figure(figsize=(20, 20)).gca().imshow(np.random.default_rng(0).random((1000, 1000, 3)))",
    "import matplotlib.figure\n"
    "matplotlib.figure.Figure.savefig = lambda self, out, **kw: out.write(b'<script>alert(1)</script>')\n"
    "plt.figure()",
    "print('no figure here')",
]


@pytest.fixture(scope="module")
def plotted() -> dict[int, CellRun]:
    runner = NotebookRunner(list(enumerate(PLOTS)), Sandbox(cell_timeout=30), [])
    try:
        return runner.run_cells()
    finally:
        runner.close()


def test_a_cell_that_plots_shows_one_png(plotted) -> None:
    runs = plotted
    (shown,) = image_outputs(runs[0])
    data = base64.b64decode(shown["data"]["image/png"])
    assert png_size(data) == (640, 480) and shown["data"]["text/plain"] == "<Figure size 640x480>"
    assert not runs[0].note and not runs[0].stderr
    nbformat.validate(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=runs[0].outputs())]))
    assert image_outputs(runs[5]) == [] and runs[5].stdout == "no figure here\n"


def test_a_thousand_figures_are_capped_with_a_note(plotted) -> None:
    runs = plotted
    assert len(image_outputs(runs[1])) == Sandbox().max_figures_per_cell
    assert "[990 figures not shown: at most 10 per cell]" in runs[1].note
    assert runs[1].error is None, "%matplotlib inline works in the sandbox"


def test_a_huge_figure_is_scaled_down_or_dropped_with_a_note(plotted) -> None:
    runs = plotted
    (scaled,) = runs[2].figures
    assert (scaled.width, scaled.height) == (2000, 2000)
    assert "drawn at 4 dpi to stay within 2000 pixels" in runs[2].note
    assert runs[3].figures == [] and "over the limit of 1000000 per figure" in runs[3].note


def test_bytes_that_are_not_png_are_dropped(plotted) -> None:
    runs = plotted
    assert runs[4].figures == [] and "[figure 1 dropped: not a PNG image]" in runs[4].note
    assert "script" not in str(runs[4].outputs())


def test_the_notebook_total_is_capped_and_a_restart_does_not_count_twice() -> None:
    line = "import matplotlib.pyplot as plt\nplt.plot([0, 1], [1, 0])"
    cells = [line, "import os\nos._exit(1)", line, line]
    runner = NotebookRunner(list(enumerate(cells)), Sandbox(max_notebook_figure_bytes=40_000), [])
    try:
        runs = runner.run_cells()
    finally:
        runner.close()
    assert 15_000 < len(runs[0].figures[0].png) < 20_000, "two line plots fit in 40 000 bytes, three do not"
    assert [len(runs[i].figures) for i in range(4)] == [1, 0, 1, 0]
    assert "figure limit was reached" in runs[3].note and "worker process ended" in runs[1].note


@pytest.mark.parametrize("code, loaded", [("import numpy as np\nprint(np.ones(2))", False),
                                          ("import matplotlib.pyplot", True)])
def test_matplotlib_is_loaded_only_when_the_student_imports_it(code: str, loaded: bool) -> None:
    probe = ("import sys\ndef plotting_modules():\n"
             "    return sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib')")
    runner = NotebookRunner(list(enumerate([code, probe])), Sandbox(), [])
    try:
        runs = runner.run_cells()
        assert runs[0].error is None, runs[0].error
        modules = Student(runner).plotting_modules()
    finally:
        runner.close()
    assert ("matplotlib.pyplot" in modules) == loaded, modules
    assert bool(modules) == loaded, modules


def test_the_graded_notebook_and_the_feedback_page_show_the_plot(tmp_path: Path) -> None:
    """The class pipeline's own steps, in process (Dask only moves the result between them)."""
    course = toy.make_course(tmp_path)
    shutil.copy(REPO / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    path = toy.submit(course, "plotter", extra_cells=["import matplotlib.pyplot as plt\nplt.plot([0, 1, 4])"])
    result = grade_submission(course, "plotter", toy.ASSIGNMENT, path)
    save_autograded(course, result, render_autograded(course, path, result))
    register_assignments(course, [toy.ASSIGNMENT])
    write_gradebook(course, [result])
    graded = nbformat.read(course.autograded_notebook("plotter", toy.ASSIGNMENT), as_version=4)
    images = [o for cell in graded.cells if cell.cell_type == "code" for o in cell.outputs
              if o.output_type == "display_data"]
    assert len(images) == 1 and png_size(base64.b64decode(images[0].data["image/png"])) == (640, 480)
    assert main(["--course", str(course.root), "feedback", toy.ASSIGNMENT]) == 0
    (page,) = course.feedback.glob(f"plotter/{toy.ASSIGNMENT}/*.html")
    assert f"data:image/png;base64,{images[0].data['image/png']}" in page.read_text()
