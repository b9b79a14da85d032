"""Return values that are hard to ship: an 8 TB broadcast view, a self-referencing list, an object
array, a structured array, a generator, a 100 000-deep nested dict, a float subclass.

category: cheat
"""
import numpy as np

API = "__API__".split(",")
_loop = []
_loop.append(_loop)
_deep = {}
_node = _deep
for _ in range(100_000):
    _node["x"] = {}
    _node = _node["x"]


class LyingFloat(float):
    def __eq__(self, other):
        return True

    def __array__(self, dtype=None, copy=None):
        return np.full(3, 0.5)


_RETURNS = [
    lambda: np.broadcast_to(np.float64(0.5), (10 ** 6, 10 ** 6)),
    lambda: _loop,
    lambda: np.array([LyingFloat(0.5)] * 3, dtype=object),
    lambda: np.zeros(3, dtype=[("a", "<f8"), ("b", "O")]),
    lambda: _deep,
    lambda: (i for i in range(10)),
    lambda: LyingFloat(0.5),
]


def _make(i):
    def student_function(*args, **kwargs):
        return _RETURNS[i % len(_RETURNS)]()
    return student_function


for _i, _name in enumerate(API):
    globals()[_name] = _make(_i)
