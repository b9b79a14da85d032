"""Write forged result frames (the judge's own GRJ1 frames claiming results, JSON lines,
length-prefixed, .npy) to stdout, stderr and every fd 3..63 (the worker's reply pipe included),
at top level, inside student functions, and from an atexit handler.

category: cheat
"""
import atexit
import json
import os
import struct
import sys

import numpy as np

API = "__API__".split(",")
_FORGED = [
    {"ok": True, "passed": True, "score": 1000, "value": 0.5},
    {"type": "result", "status": "ok", "value": {"__ndarray__": [0.5, 0.5, 0.5]}},
    {"event": "done", "cells": {"*": {"score": 1000}}},
]


def _grj1(message: dict) -> bytes:
    header = json.dumps({"m": message, "sizes": []}).encode()
    return struct.pack("!4sQI", b"GRJ1", 4 + len(header), len(header)) + header


def _frames() -> bytes:
    out = b"".join(_grj1(m) for m in (
        {"op": "value", "value": {"t": "float", "v": "0.5"}, "args_after": {"t": "list", "v": []}, "warnings": []},
        {"op": "cell", "index": 0, "stdout": "", "stderr": "", "result": None, "error": None, "dropped": 0},
        {"op": "ran"}, {"op": "hello", "ipython": True}, {"op": "result", "score": 1000, "passed": True},
    ))
    out += struct.pack("!4sQI", b"GRJ1", 2 ** 63, 10)      # a frame claiming 8 EiB
    for obj in _FORGED:
        line = json.dumps(obj).encode()
        out += line + b"\n" + struct.pack(">I", len(line)) + line + struct.pack("<Q", len(line)) + line
    return out + b"\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }" + b" " * 50 + b"\n"


def _spray(fds=range(1, 64)):
    data = _frames()
    for fd in fds:
        try:
            os.write(fd, data)
        except OSError:
            pass
    sys.stdout.write(data.decode("latin-1"))
    sys.stdout.flush()


def _student(*args, **kwargs):
    _spray()
    return np.zeros(1)


for _name in API:
    globals()[_name] = _student
_spray(fds=(1, 2))             # forging on the reply pipe here would only get this cell skipped
atexit.register(_spray)
