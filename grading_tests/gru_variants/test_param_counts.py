"""Hidden checks for param_counts: h(d + h + 1) numbers per block, one block for the RNN, three for
the GRU, four for the LSTM (one bias per gate, as in the chapter)."""
import numpy as np
import pytest

from grucourse.judge.checks import assert_matches, describe

pytestmark = pytest.mark.grade_id("param_counts_tests")

CELLS = ("rnn", "gru", "lstm")
BLOCKS = np.array([1, 3, 4])
# ranges of (d, h) per case
RANGES = {"small": ((1, 4), (1, 4)), "wide_input": ((50, 300), (2, 20)), "wide_state": ((2, 20), (50, 300))}


def counts(d, h, blocks=BLOCKS, biases=1):
    return blocks * h * (d + h + biases)


@pytest.mark.parametrize("case", RANGES)
def test_counts(student, rng, case):
    """param_counts gives the RNN, GRU and LSTM parameter counts as ints"""
    d, h = (int(rng.integers(*bounds)) for bounds in RANGES[case])
    got = student.param_counts(d, h)
    if not isinstance(got, dict):
        raise AssertionError(f"param_counts returned {describe(got)}, expected a dict with the keys rnn, gru, lstm")
    if set(got) != set(CELLS):
        raise AssertionError(f"param_counts returned the keys {sorted(got)}, expected rnn, gru, lstm")
    floats = [cell for cell in CELLS if not isinstance(got[cell], (int, np.integer)) or isinstance(got[cell], bool)]
    if floats:
        raise AssertionError(f"param_counts returned {describe(got[floats[0]])} for {floats[0]!r}; counts are ints")
    assert_matches(np.array([got[cell] for cell in CELLS], dtype=float), counts(d, h), name="param_counts",
                   rtol=0, atol=0.5, hints={
                       "the LSTM has four blocks (input, forget and output gates, cell candidate), not three":
                           counts(d, h, np.array([1, 3, 3])),
                       "these are PyTorch's counts with two bias vectors per gate; the chapter has one bias per gate":
                           counts(d, h, biases=2),
                       "the biases are not counted": counts(d, h, biases=0),
                       "the GRU has three blocks (reset gate, update gate, candidate), not two":
                           counts(d, h, np.array([1, 2, 4])),
                   })
