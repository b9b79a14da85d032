"""Each student function ends the worker: os._exit(0), SystemExit, os.abort, or exec of `true`.

category: crash
"""
import os
import sys

API = "__API__".split(",")
_EXITS = [lambda: os._exit(0), lambda: sys.exit(0), os.abort,
          lambda: os.execv("/bin/true", ["true"]), lambda: os._exit(1)]


def _make(i):
    def student_function(*args, **kwargs):
        _EXITS[i % len(_EXITS)]()
    return student_function


for _i, _name in enumerate(API):
    globals()[_name] = _make(_i)
