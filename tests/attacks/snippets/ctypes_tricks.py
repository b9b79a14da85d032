"""ctypes: segfault the worker from sigmoid, and flip the interpreter's cached small ints
(so 1 == 2) before returning from the gate functions.

category: crash
"""
import ctypes

import numpy as np

API = "__API__".split(",")


def sigmoid(x):
    ctypes.string_at(0)


def _corrupt(*args, **kwargs):
    out = np.zeros(1)
    ctypes.c_uint32.from_address(id(1) + 24).value = 2   # the digit of the cached int 1
    return out


for _name in API[1:]:
    globals()[_name] = _corrupt
