"""The GRU cell as a data-flow diagram: reset and update gates, the candidate, the interpolation.

The wiring follows the course equations (row vectors, SPEC section 2):
R = sigma(X W_r + H_prev U_r + b_r), Z = sigma(X W_z + H_prev U_z + b_z),
H_tilde = tanh(X W_h + (R * H_prev) U_h + b_h), H = (1 - Z) * H_prev + Z * H_tilde.
`highlight` colours one part ("gates", "candidate", "update"); the rest stays grey.
"""
from __future__ import annotations

from grucourse.figures.draw import Diagram, diagram_axes, png_bytes

PARTS = ("gates", "candidate", "update")

TOP, GATE_Y, H_BUS, X_BUS = 5.2, 2.2, 1.2, 0.5
R_X, Z_X, TANH_X, RESET_OP = 2.3, 3.9, 6.2, (5.2, 3.6)
KEEP_OP, ONE_MINUS, NEW_OP, PLUS = (7.0, TOP), (7.0, 4.1), (7.9, GATE_Y), (8.8, TOP)


def dataflow_png(highlight: str) -> bytes:
    """PNG of the whole cell with the wires and nodes of `highlight` in colour."""
    if highlight not in PARTS:
        raise ValueError(f"highlight must be one of {PARTS}, got {highlight!r}")
    fig, d = diagram_axes(10.0, 5.9, frozenset({highlight}))
    _inputs(d)
    _gates(d)
    _candidate(d)
    _update(d)
    return png_bytes(fig)


def _inputs(d: Diagram) -> None:
    d.label(0.1, TOP + 0.25, r"$H_{t-1}$", "update", ha="left", va="bottom")
    d.label(0.1, X_BUS + 0.15, r"$X_t$", "gates", ha="left", va="bottom")
    d.wire([(0.5, X_BUS), (TANH_X, X_BUS)], "gates", head=False)
    d.wire([(1.3, TOP), (1.3, H_BUS), (Z_X + 0.25, H_BUS)], "gates", head=False)


def _gates(d: Diagram) -> None:
    for x, name in ((R_X, "reset gate\n" r"$\sigma$"), (Z_X, "update gate\n" r"$\sigma$")):
        d.box(x, GATE_Y, name, "gates")
        d.wire([(x - 0.25, X_BUS), (x - 0.25, GATE_Y - 0.4)], "gates")
        d.wire([(x + 0.25, H_BUS), (x + 0.25, GATE_Y - 0.4)], "gates")
    d.wire([(R_X, GATE_Y + 0.4), (R_X, RESET_OP[1]), (RESET_OP[0] - 0.25, RESET_OP[1])], "candidate")
    d.label(R_X + 0.1, RESET_OP[1] + 0.1, r"$R_t$", "gates", va="bottom")
    d.wire([(Z_X, GATE_Y + 0.4), (Z_X, 3.0), (NEW_OP[0], 3.0), (NEW_OP[0], NEW_OP[1] + 0.25)], "update")
    d.wire([(KEEP_OP[0], 3.0), (ONE_MINUS[0], ONE_MINUS[1] - 0.25)], "update")
    d.label(Z_X + 0.1, 3.1, r"$Z_t$", "gates", va="bottom")


def _candidate(d: Diagram) -> None:
    d.wire([(RESET_OP[0], TOP), (RESET_OP[0], RESET_OP[1] + 0.25)], "candidate")
    d.op(*RESET_OP, r"$\odot$", "candidate")
    d.wire([(RESET_OP[0], RESET_OP[1] - 0.25), (RESET_OP[0], GATE_Y), (TANH_X - 0.65, GATE_Y)], "candidate")
    d.label(RESET_OP[0] + 0.35, RESET_OP[1] - 0.15, r"$R_t \odot H_{t-1}$", "candidate", va="top")
    d.box(TANH_X, GATE_Y, "candidate\n" r"$\tanh$", "candidate")
    d.wire([(TANH_X, X_BUS), (TANH_X, GATE_Y - 0.4)], "candidate")
    d.wire([(TANH_X + 0.65, GATE_Y), (NEW_OP[0] - 0.25, GATE_Y)], "candidate")
    d.label(TANH_X + 0.7, GATE_Y - 0.12, r"$\tilde H_t$", "candidate", va="top")


def _update(d: Diagram) -> None:
    d.wire([(0.5, TOP), (KEEP_OP[0] - 0.25, TOP)], "update")
    d.op(*ONE_MINUS, r"$1-$", "update", radius=0.3)
    d.wire([(ONE_MINUS[0], ONE_MINUS[1] + 0.3), (KEEP_OP[0], KEEP_OP[1] - 0.25)], "update")
    d.op(*KEEP_OP, r"$\odot$", "update")
    d.op(*NEW_OP, r"$\odot$", "update")
    d.wire([(KEEP_OP[0] + 0.25, TOP), (PLUS[0] - 0.25, TOP)], "update")
    d.wire([(NEW_OP[0] + 0.25, GATE_Y), (PLUS[0], GATE_Y), (PLUS[0], PLUS[1] - 0.25)], "update")
    d.op(*PLUS, "+", "update")
    d.wire([(PLUS[0] + 0.25, TOP), (9.8, TOP)], "update")
    d.label(9.75, TOP + 0.25, r"$H_t$", "update", ha="right", va="bottom")
    d.label(KEEP_OP[0] + 0.4, ONE_MINUS[1], r"$1 - Z_t$: keep", "update", va="center")
    d.label(NEW_OP[0] + 0.1, GATE_Y + 0.35, r"$Z_t$: take", "update", va="bottom")
