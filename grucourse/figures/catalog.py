"""Which figure goes into which markdown cell of which source notebook."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from grucourse.figures.dataflow import dataflow_png
from grucourse.figures.gradients import gradient_paths_png, gradient_reach_png
from grucourse.figures.interpolation import interpolation_png
from grucourse.figures.scan import scan_png


@dataclass(frozen=True)
class Figure:
    """A PNG drawn by `draw`, shown in the markdown cell `grade_id` of `assignment` as
    `![alt](attachment:<name>.png)`."""

    name: str
    assignment: str
    grade_id: str
    alt: str
    draw: Callable[[], bytes]

    @property
    def attachment(self) -> str:
        return f"{self.name}.png"

    @property
    def markdown(self) -> str:
        return f"![{self.alt}](attachment:{self.attachment})"


FIGURES = (
    Figure("gru_gates_flow", "gru_gates", "gates_intro",
           "Data flow of a GRU cell, reset and update gates highlighted", partial(dataflow_png, "gates")),
    Figure("gru_candidate_flow", "gru_gates", "candidate_intro",
           "Data flow of a GRU cell, the candidate state highlighted", partial(dataflow_png, "candidate")),
    Figure("gru_update_flow", "gru_gates", "hidden_state_intro",
           "Data flow of a GRU cell, the interpolation highlighted", partial(dataflow_png, "update")),
    Figure("gru_interpolation", "gru_gates", "hidden_state_intro",
           "H_t against Z_t, and the gates on a twelve-step sequence", interpolation_png),
    Figure("gru_gradient_paths", "gru_bptt", "cell_backward_intro",
           "Gradient paths from H_t back to H_t-1: direct and through the gates", gradient_paths_png),
    Figure("gru_gradient_reach", "gru_bptt", "experiment_discussion",
           "Measured gradient norms of the state and of the input over 40 steps", gradient_reach_png),
    Figure("mingru_scan", "gru_variants", "mingru_intro",
           "Prefix scan of eight minGRU steps in three levels", scan_png),
)
