"""Parameters per layer of the three recurrent cells, one bias per gate (SPEC §2).

Each gate (or the RNN's single transform) has an input matrix (d, h), a recurrent matrix (h, h) and a
bias (h,): h(d + h + 1) numbers. The GRU has three such blocks (reset, update, candidate), the LSTM
four (input, forget, output gates and the cell candidate).
"""

from __future__ import annotations

BLOCKS = {"rnn": 1, "gru": 3, "lstm": 4}


def param_counts(d: int, h: int) -> dict[str, int]:
    """{"rnn": h(d+h+1), "gru": 3h(d+h+1), "lstm": 4h(d+h+1)} for input size d and hidden size h."""
    per_block = int(h) * (int(d) + int(h) + 1)
    return {cell: blocks * per_block for cell, blocks in BLOCKS.items()}
