"""The notebooks' figures: drawn from the equations by grucourse.figures, embedded in the source
notebooks as attachments, carried into release/ by nbgrader, and inlined by nbconvert's HTML export
(what formgrader and the feedback pages use) and kept by the feedback sanitiser."""
from __future__ import annotations

import base64
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbconvert import HTMLExporter

from grucourse.figures.catalog import FIGURES, Figure
from grucourse.figures.embed import cell_of
from grucourse.figures.interpolation import H_PREV, H_TILDE, R_STEPS, Z_STEPS, scenario
from grucourse.figures.scan import scan_levels
from grucourse.gru import reference as ref
from grucourse.judge.sanitize import SanitizeStudentHTML

REPO = Path(__file__).resolve().parent.parent
PNG = b"\x89PNG\r\n\x1a\n"


def _notebook(folder: str, assignment: str) -> nbformat.NotebookNode:
    return nbformat.read(REPO / folder / assignment / f"{assignment}.ipynb", as_version=4)


def _attached(nb: nbformat.NotebookNode, figure: Figure) -> bytes:
    cell = cell_of(nb, figure.grade_id)
    assert figure.markdown in cell.source, f"{figure.name}: the cell {figure.grade_id} does not show it"
    return base64.b64decode(cell.attachments[figure.attachment]["image/png"])


@pytest.mark.parametrize("figure", FIGURES, ids=lambda f: f.name)
def test_source_figure_is_what_the_code_draws_now(figure: Figure) -> None:
    """A figure edited by hand or drawn from older equations fails: re-run python -m grucourse.figures.embed."""
    attached = _attached(_notebook("source", figure.assignment), figure)
    assert attached.startswith(PNG)
    assert attached == figure.draw(), f"{figure.name} is stale: run `python -m grucourse.figures.embed`"


@pytest.mark.parametrize("figure", FIGURES, ids=lambda f: f.name)
def test_release_notebook_carries_the_figure(figure: Figure) -> None:
    assert _attached(_notebook("release", figure.assignment), figure) == _attached(
        _notebook("source", figure.assignment), figure)


@pytest.mark.parametrize("assignment", sorted({f.assignment for f in FIGURES}))
def test_nbconvert_html_inlines_every_figure_and_the_sanitiser_keeps_it(assignment: str) -> None:
    """nbconvert's HTML (formgrader, feedback) shows each figure as a data: image, before and after
    the sanitiser that feedback and formgrader run over every markdown cell."""
    figures = [f for f in FIGURES if f.assignment == assignment]
    for sanitise in (False, True):
        exporter = HTMLExporter()
        if sanitise:
            exporter.register_preprocessor(SanitizeStudentHTML(), enabled=True)
        page, _ = exporter.from_notebook_node(_notebook("release", assignment))
        for figure in figures:
            data = base64.b64encode(figure.draw()).decode()
            assert f'src="data:image/png;base64,{data}"' in page, (figure.name, sanitise)
            assert f'alt="{figure.alt}"' in page, (figure.name, sanitise)


def test_interpolation_figure_follows_the_update_rule() -> None:
    """The scenario's states are the course's H_t: the taken first token survives the fillers, the
    break replaces it with a candidate that ignores the old state."""
    run = scenario()
    assert Z_STEPS[0] > 0.9 and R_STEPS[7] == 0
    assert abs(run["H"][6] - run["H"][0]) < 0.1, "the fillers barely move the state"
    assert run["H"][7] * run["H"][6] < 0 and run["without_reset"][7] != run["H_tilde"][7]
    H = ref.hidden_state(np.array([H_PREV]), np.array([0.0, 1.0]), np.array([H_TILDE]))
    assert np.allclose(H, [H_PREV, H_TILDE]), "Z = 0 keeps H_prev, Z = 1 takes H_tilde"


def test_scan_figure_levels_compute_the_recurrence() -> None:
    """After log2(T) levels of the drawn scheme, position t maps h_0 to h_t as the loop does."""
    rng = np.random.default_rng(0)
    a, b, h0 = rng.uniform(0.1, 0.9, 8), rng.uniform(0.0, 1.0, 8), 0.7
    levels = scan_levels(a, b)
    assert len(levels) == 4
    h, expected = h0, []
    for a_t, b_t in zip(a, b, strict=True):
        h = a_t * h + b_t
        expected.append(h)
    assert np.allclose([A * h0 + B for A, B in levels[-1]], expected)
