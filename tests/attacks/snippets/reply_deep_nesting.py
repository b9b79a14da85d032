"""Answer every call, through the worker's own reply writer, with a value nested 200 000 levels
deep: as plain JSON brackets for one function, as the protocol's list nodes for the next, so a
recursive parser or decoder in the grader would exhaust its stack or its memory.

category: resource
"""
import json
import struct
import sys

import numpy as np

API = "__API__".split(",")
_P = sys.modules["judge_protocol"]
_PACK = _P.pack
_DEPTH = 200_000
_SHAPES = [(b"[" * _DEPTH, b"]" * _DEPTH), (b'{"t":"list","v":[' * _DEPTH, b"]}" * _DEPTH)]
_calls = []


def _deep(message, blobs=()):
    if message.get("op") not in ("value", "raised", "missing"):
        return _PACK(message, blobs)
    opening, closing = _SHAPES[len(_calls) % 2]
    _calls.append(1)
    head = json.dumps({"op": "value", "id": message.get("id"), "args_after": {"t": "list", "v": []},
                       "warnings": []}).encode()[:-1] + b',"value":'
    header = b'{"sizes":[],"m":' + head + opening + closing + b"}}"
    return struct.pack("!4sQI", b"GRJ1", 4 + len(header), len(header)) + header


def _student(*args, **kwargs):
    return np.zeros(1)


for _name in API:
    globals()[_name] = _student
_P.pack = _deep
