"""The reference answers for the ``gru_variants`` student API (float64 numpy, no torch).

Hidden tests compare student output against these functions, so names and signatures are the
contract's. The GRU itself is the course reference (``grucourse.gru.reference``): students paste
their own, and their later answers are checked against this one.
"""

from __future__ import annotations

from grucourse.gru.reference import gru_backward, gru_forward, sigmoid
from grucourse.variants.conventions import chapter_to_torch, reset_placement_gap, torch_gru_forward
from grucourse.variants.counts import param_counts
from grucourse.variants.mingru import (
    g,
    log_g,
    mingru_parallel,
    mingru_sequential,
    parallel_scan_log,
)
from grucourse.variants.training import (
    adam_init,
    adam_step,
    adding_problem,
    mse_loss_and_grads,
    train_adding,
)

# The student API in notebook order, for tools that build or check the notebook.
GRU_VARIANTS_API = (
    "sigmoid",
    "gru_forward",
    "gru_backward",
    "torch_gru_forward",
    "chapter_to_torch",
    "reset_placement_gap",
    "g",
    "log_g",
    "mingru_sequential",
    "parallel_scan_log",
    "mingru_parallel",
    "adding_problem",
    "mse_loss_and_grads",
    "adam_init",
    "adam_step",
    "train_adding",
    "param_counts",
)
__all__ = [*GRU_VARIANTS_API, "GRU_VARIANTS_API"]
