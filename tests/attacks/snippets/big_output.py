"""Print 500 MB at top level and 100 MB to stderr from sigmoid.

category: resource
"""
import sys

import numpy as np

_MB = "A" * (2 ** 20 - 1)
for _ in range(500):
    print(_MB)


def sigmoid(x):
    for _ in range(100):
        sys.stderr.write(_MB + "\n")
    return np.zeros(1)
