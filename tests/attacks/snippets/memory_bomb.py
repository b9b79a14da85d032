"""Allocate 20 GB at top level and in sigmoid and gru_forward (touching every page).

category: resource
"""
import numpy as np

_GB = 2 ** 30


def _bomb(*args, **kwargs):
    hoard = []
    for _ in range(80):                      # 80 x 256 MiB = 20 GiB, every page written
        hoard.append(np.ones(2 ** 25))
    return np.zeros(1)


sigmoid = gru_forward = _bomb
try:
    _top = bytearray(20 * _GB)
except MemoryError:
    print("ATTACK top-level 20 GB allocation refused (MemoryError)")
else:
    print("ATTACK top-level 20 GB allocated")
