"""Allocate 20 GB at top level and in every student function (touching the pages).

category: resource
"""
import numpy as np

API = "__API__".split(",")
_GB = 2 ** 30


def _bomb(*args, **kwargs):
    hoard = []
    for _ in range(80):                      # 80 x 256 MiB = 20 GiB, every page written
        hoard.append(np.ones(2 ** 25))
    return np.zeros(1)


for _name in API:
    globals()[_name] = _bomb
try:
    _top = bytearray(20 * _GB)
except MemoryError:
    print("top-level 20 GB refused")
