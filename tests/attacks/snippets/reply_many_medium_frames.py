"""Make every call reply a valid frame just under each per-frame cap: the real reply, plus a
header padded with long strings and an unreferenced blob filling the frame, so that no single
frame is refused and only a budget over all of one submission's replies bounds what the grader reads.

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
_HEADER = min(getattr(_LIMITS, "max_header_bytes", _LIMITS.max_frame_bytes), _LIMITS.max_frame_bytes) // 2
_STRING = min(_LIMITS.max_string_chars, _HEADER) - 64


def _padded(message, blobs=()):
    if message.get("op") not in ("value", "raised", "missing"):
        return _PACK(message, blobs)
    padded = dict(message, pad=["x" * _STRING] * max(1, _HEADER // _STRING))
    header = json.dumps({"m": padded, "sizes": [len(b) for b in blobs]}).encode()
    filler = b"\0" * max(0, _LIMITS.max_frame_bytes - len(header) - sum(map(len, blobs)) - 4096)
    header = json.dumps({"m": padded, "sizes": [len(b) for b in blobs] + [len(filler)]}).encode()
    payload = [header, *blobs, filler]
    return struct.pack("!4sQI", b"GRJ1", 4 + sum(map(len, payload)), len(header)) + b"".join(payload)


def _student(*args, **kwargs):
    return np.zeros(1)


for _name in API:
    globals()[_name] = _student
_P.pack = _padded
