"""The wire format between the trusted grader and the sandboxed worker.

This one file defines the format for both sides: the trusted side imports it as
`grucourse.judge.protocol`, and the sandbox gets a copy next to `worker.py`. It therefore
imports only the standard library and numpy, and never `grucourse`.

A frame is `MAGIC | u64 payload length | u32 header length | header JSON | blobs`. The header
holds the message; numpy arrays travel as `.npy` blobs referenced by index. Only plain values
cross: None, bool, int, float, str, numeric arrays and numpy scalars, and lists, tuples and
str-keyed dicts of those. Everything else is sent as `Foreign(type_name)`. Decoding
(`decode`) is the trusted side's validation: it loads arrays with `allow_pickle=False`,
accepts numeric dtypes only and enforces size, depth and count caps, so whatever the student
code does to the worker, the grader only ever sees plain values.

What a frame may cost the reader is bounded before anything is built from it: the frame and
its header have byte caps, `scan_json` counts the header's values, nesting depth and string
lengths in numpy before `json.loads` runs, an array's `.npy` header is checked before its data
is loaded, a blob is decoded at most once, and a `Budget` caps the bytes and JSON values of
all the frames one submission's workers send.
"""
from __future__ import annotations

import io
import json
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

MAGIC = b"GRJ1"
_PREFIX = struct.Struct("!4sQI")
NUMERIC_KINDS = "biufc"
MAX_DEPTH = 16


class ProtocolError(ValueError):
    """A frame or value that the trusted side refuses (malformed, too big, not plain data)."""


@dataclass(frozen=True)
class Foreign:
    """Stands for a value that cannot cross the boundary (e.g. a list of lists is fine, a
    torch tensor or a function is not); checks use `type_name` to tell the student what
    they returned."""

    type_name: str

    def __repr__(self) -> str:
        return f"Foreign({self.type_name!r})"


@dataclass(frozen=True)
class Limits:
    """Caps applied when reading and decoding what the worker sent. The largest honest reply
    (2000 training sequences of the adding problem) is under 2 MiB, a cell's reply under
    `4 * Sandbox.max_output_bytes` characters plus its figures."""

    max_frame_bytes: int = 16 * 2**20
    max_header_bytes: int = 8 * 2**20
    max_json_items: int = 320_000
    max_json_depth: int = 2 * MAX_DEPTH + 8  # a value node is two JSON levels, the message a few more
    max_array_bytes: int = 8 * 2**20
    max_array_ndim: int = 8
    max_string_chars: int = 1_000_000
    max_items: int = 100_000


REQUESTS = Limits(max_frame_bytes=2**31, max_header_bytes=2**31, max_json_items=2**31,
                  max_array_bytes=2**31, max_string_chars=2**31)
"""What the worker accepts from the grader, which it has no reason to distrust: the run
message carries every cell's source, bounded by the grader's notebook limits instead."""


class TooDeep(ProtocolError):
    """JSON text nested deeper than allowed (`scan_json`)."""


class BudgetSpent(ProtocolError):
    """The submission's workers together sent more than its `Budget` allows."""


@dataclass
class Budget:
    """Bytes and JSON values of every frame one submission's workers send, restarts included:
    many frames just under the per-frame caps cost the grader a bounded total."""

    max_bytes: int = 256 * 2**20
    max_json_items: int = 4_000_000
    bytes: int = 0
    json_items: int = 0

    @property
    def spent(self) -> bool:
        return self.bytes > self.max_bytes or self.json_items > self.max_json_items

    def charge(self, data_bytes: int = 0, json_items: int = 0) -> None:
        self.bytes += data_bytes
        self.json_items += json_items
        if self.spent:
            raise BudgetSpent(self.message)

    @property
    def message(self) -> str:
        return (f"the submission's workers sent more than the grader reads for one submission "
                f"({self.max_bytes // 2**20} MiB or {self.max_json_items} JSON values in all replies)")


_QUOTE, _COMMA, _OPENERS, _CLOSERS = 0x22, 0x2C, (0x5B, 0x7B), (0x5D, 0x7D)
_SCAN_CHUNK = 1 << 20


def scan_json(text: bytes, max_items: int, max_depth: int, max_string: int) -> int:
    """The number of values in the JSON `text` (an upper bound: commas plus containers plus one),
    raising ProtocolError when it exceeds `max_items`, when brackets nest deeper than `max_depth`
    or when a string is longer than `max_string` bytes. Linear numpy work on 1 MiB chunks and
    one copy of `text`, so it costs little whatever `text` holds, while `json.loads` on a
    frame of `[0,0,...]` builds millions of objects. Escapes are dropped first (`\\\\` pairs, then
    `\\"`), so every quote left delimits a string. Where this reading could differ from a JSON
    parser's (a backslash outside a string, a bad escape), the text is invalid there and
    `json.loads` stops at that point, having built only what was counted before it."""
    cleaned = text.replace(b"\\\\", b"").replace(b'\\"', b"")
    data = np.frombuffer(cleaned, dtype=np.uint8)
    items, depth, deepest = 1, 0, 0
    open_quote = -1  # position of the quote that opened a string still open at a chunk's end
    for start in range(0, len(data), _SCAN_CHUNK):
        chunk = data[start:start + _SCAN_CHUNK]
        quote = chunk == _QUOTE
        inside = np.bitwise_xor.accumulate(quote.view(np.uint8)) ^ (open_quote >= 0)
        quotes = np.flatnonzero(quote) + start
        if open_quote >= 0:
            quotes = np.concatenate(([open_quote], quotes))
        lengths = quotes[1::2] - quotes[:-1:2] - 1
        if lengths.size and int(lengths.max()) > max_string:
            raise ProtocolError(f"JSON string longer than {max_string} bytes")
        open_quote = int(quotes[-1]) if inside[-1] else -1
        outside = chunk[inside == 0]
        brackets = outside[np.isin(outside, _OPENERS + _CLOSERS)]
        opens = np.isin(brackets, _OPENERS)
        items += int(np.count_nonzero(outside == _COMMA)) + int(np.count_nonzero(opens))
        if items > max_items:
            raise ProtocolError(f"JSON text with more than {max_items} values")
        if brackets.size:
            levels = depth + np.cumsum(np.where(opens, 1, -1))
            deepest, depth = max(deepest, int(levels.max())), int(levels[-1])
        if deepest > max_depth:
            raise TooDeep(f"JSON nested deeper than {max_depth} levels")
    if open_quote >= 0 and len(data) - open_quote - 1 > max_string:
        raise ProtocolError(f"JSON string longer than {max_string} bytes")
    return items


class Probe:
    """A callable built inside the sandbox from a fixed list (`PROBES`), since functions
    cannot cross the boundary. `Probe("quadratic", A=A)` is `f(x) = sum(A*x**2) + sum(sin x)`."""

    def __init__(self, kind: str, **arrays: Any) -> None:
        if kind not in PROBES:
            raise ValueError(f"unknown probe kind {kind!r}; known: {sorted(PROBES)}")
        self.kind = kind
        self.arrays = arrays

    def __repr__(self) -> str:
        return f"Probe({self.kind!r})"

    def build(self, call_args: list[Any], call_kwargs: dict[str, Any]) -> Callable[[Any], float]:
        """The function itself, for a call with these arguments (closure probes read one of
        them: `x_index` is a position or a keyword)."""
        return PROBES[self.kind](call=(call_args, call_kwargs), **self.arrays)


Call = tuple[list[Any], dict[str, Any]]


def _quadratic(A: np.ndarray, call: Call) -> Callable[[Any], float]:
    def f(x: Any) -> float:
        x = np.asarray(x, dtype=float)
        return float(np.sum(A * x**2) + np.sum(np.sin(x)))

    return f


def _closure_quadratic(A: np.ndarray, x_index: int | str, call: Call) -> Callable[[Any], float]:
    quadratic = _quadratic(A, call)
    args, kwargs = call

    def f(_ignored: Any = None) -> float:
        return quadratic(kwargs[x_index] if isinstance(x_index, str) else args[int(x_index)])

    return f


PROBES: dict[str, Callable[..., Callable[[Any], float]]] = {
    "quadratic": _quadratic,
    "closure_quadratic": _closure_quadratic,
}


# ---------------------------------------------------------------- values

def _array_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(array), allow_pickle=False)
    return buffer.getvalue()


def encode(value: Any, blobs: list[bytes], depth: int = 0) -> Any:
    """A JSON-able tree for `value`; arrays are appended to `blobs`. Never raises for odd
    values: what is not plain data becomes a Foreign node."""
    if depth >= MAX_DEPTH:
        return {"t": "foreign", "type": "deeply nested value"}
    kind = type(value)
    if value is None or kind in (bool, str):
        return value
    if kind is int:
        return value if abs(value) < 2**63 else float(value)
    if kind is float:
        return {"t": "float", "v": repr(value)}
    if kind in (list, tuple):
        return {"t": kind.__name__, "v": [encode(item, blobs, depth + 1) for item in value]}
    if kind is dict and all(type(key) is str for key in value):
        return {"t": "dict", "k": list(value), "v": [encode(item, blobs, depth + 1) for item in value.values()]}
    if issubclass(kind, (list, tuple)):  # a namedtuple...: the stored items, not overridable methods
        base = tuple if issubclass(kind, tuple) else list
        return {"t": base.__name__, "v": [encode(item, blobs, depth + 1) for item in list(base.__iter__(value))]}
    if issubclass(kind, dict):  # OrderedDict, defaultdict...: the stored items, not overridable methods
        items = list(dict.items(value))
        if all(type(key) is str for key, _ in items):
            return {"t": "dict", "k": [key for key, _ in items],
                    "v": [encode(item, blobs, depth + 1) for _, item in items]}
    if kind is Probe:
        return {"t": "probe", "kind": value.kind, "k": list(value.arrays),
                "v": [encode(item, blobs, depth + 1) for item in value.arrays.values()]}
    if kind is Foreign:
        return {"t": "foreign", "type": value.type_name}
    if kind is np.ndarray or isinstance(value, np.generic):
        dtype = np.asarray(value).dtype
        if dtype.kind in NUMERIC_KINDS and dtype.fields is None:
            blobs.append(_array_bytes(np.asarray(value)))
            return {"t": "ndarray" if kind is np.ndarray else "scalar", "b": len(blobs) - 1}
        return {"t": "foreign", "type": f"{kind.__name__} of dtype {dtype}"}
    return {"t": "foreign", "type": _type_name(value)}


def _type_name(value: Any) -> str:
    try:
        kind = type(value)
        module = getattr(kind, "__module__", "") or ""
        name = str(getattr(kind, "__qualname__", "object"))
        full = name if module in ("builtins", "__main__") else f"{module}.{name}"
        return full[:100] if isinstance(full, str) else "object"
    except Exception:  # student-defined metaclasses may raise anything
        return "object"


class _Decoder:
    """One decoding pass: counts nodes so a huge message cannot exhaust the grader."""

    def __init__(self, blobs: list[bytes], limits: Limits) -> None:
        self.blobs = blobs
        self.limits = limits
        self.items = 0
        self.used_blobs: set[int] = set()

    def value(self, node: Any, depth: int = 0) -> Any:
        self.items += 1
        if self.items > self.limits.max_items or depth > MAX_DEPTH:
            raise ProtocolError("value too large or too deeply nested")
        if node is None or type(node) in (bool, int):
            return node
        if type(node) is str:
            if len(node) > self.limits.max_string_chars:
                raise ProtocolError("string too long")
            return node
        if type(node) is not dict:
            raise ProtocolError(f"unexpected node {type(node).__name__}")
        tag = node.get("t")
        if tag == "float":
            return float(str(node["v"]))
        if tag in ("list", "tuple"):
            items = [self.value(item, depth + 1) for item in self._list(node["v"])]
            return items if tag == "list" else tuple(items)
        if tag == "dict":
            keys, values = self._list(node["k"]), self._list(node["v"])
            if len(keys) != len(values) or not all(type(key) is str for key in keys):
                raise ProtocolError("malformed dict")
            return {key: self.value(item, depth + 1) for key, item in zip(keys, values, strict=True)}
        if tag == "probe":
            keys, values = self._list(node["k"]), self._list(node["v"])
            return Probe(str(node["kind"]), **{str(k): self.value(v, depth + 1) for k, v in zip(keys, values, strict=False)})
        if tag == "foreign":
            return Foreign(str(node["type"])[:100])
        if tag in ("ndarray", "scalar"):
            array = self.array(node["b"])
            return array if tag == "ndarray" else array.reshape(())[()]
        raise ProtocolError(f"unknown node type {tag!r}")

    @staticmethod
    def _list(node: Any) -> list[Any]:
        if type(node) is not list:
            raise ProtocolError("expected a list")
        return node

    def array(self, index: Any) -> np.ndarray:
        if type(index) is not int or not 0 <= index < len(self.blobs) or index in self.used_blobs:
            raise ProtocolError("bad array reference")  # one blob read twice would copy it twice
        self.used_blobs.add(index)
        data = self.blobs[index]
        if len(data) > self.limits.max_array_bytes + 4096:
            raise ProtocolError("array too large")
        shape, fortran_order, dtype, offset = _npy_header(data, self.limits)
        if dtype.kind not in NUMERIC_KINDS or dtype.fields is not None:
            raise ProtocolError(f"array dtype {dtype} is not numeric")
        array = np.frombuffer(data, dtype=dtype, offset=offset)  # a read-only view, copied below
        return array.reshape(shape, order="F" if fortran_order else "C").copy(order="K")


def _npy_header(data: bytes, limits: Limits) -> tuple[tuple[int, ...], bool, np.dtype, int]:
    """The shape, order, dtype and data offset of a `.npy` blob, read once; refuses a header
    that claims a shape larger than the caps or than the bytes that follow it, before anything
    the header describes is allocated."""
    try:
        stream = io.BytesIO(data)
        version = np.lib.format.read_magic(stream)
        read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, fortran_order, dtype = read_header(stream, max_header_size=4096)
        count = 1
        for side in shape:
            count *= int(side)
    except Exception as exc:
        raise ProtocolError(f"not a plain numpy array ({type(exc).__name__})") from None
    if dtype.hasobject:
        raise ProtocolError("not a plain numpy array (it holds pickled objects)")
    if len(shape) > limits.max_array_ndim or count * dtype.itemsize > limits.max_array_bytes:
        raise ProtocolError("array too large")
    if count * dtype.itemsize != len(data) - stream.tell():
        raise ProtocolError("array data does not match its header")
    return tuple(int(side) for side in shape), bool(fortran_order), dtype, stream.tell()


def decode(node: Any, blobs: list[bytes], limits: Limits = Limits()) -> Any:
    """The plain value a tree from `encode` stands for; raises ProtocolError otherwise."""
    return decode_all([node], blobs, limits)[0]


def decode_all(nodes: list[Any], blobs: list[bytes], limits: Limits = Limits()) -> list[Any]:
    """The values of several trees of one frame, in one pass: the count cap and the
    once-per-blob rule hold for the frame as a whole."""
    try:
        decoder = _Decoder(blobs, limits)
        return [decoder.value(node) for node in nodes]
    except ProtocolError:
        raise
    except Exception as exc:
        raise ProtocolError(f"malformed value ({type(exc).__name__})") from None


# ---------------------------------------------------------------- frames

def pack(message: dict[str, Any], blobs: list[bytes] = ()) -> bytes:  # type: ignore[assignment]
    """One frame: the message as JSON (with the blob sizes) followed by the blobs."""
    header = json.dumps({"m": message, "sizes": [len(b) for b in blobs]}).encode("utf-8")
    payload_length = 4 + len(header) + sum(len(b) for b in blobs)
    return b"".join([_PREFIX.pack(MAGIC, payload_length, len(header)), header, *blobs])


@dataclass
class FrameReader:
    """Incremental frame parser: `feed` bytes as they arrive, iterate complete frames.
    Refuses a frame larger than `limits.max_frame_bytes` or with a header over
    `limits.max_header_bytes` before buffering it, and a header with too many values, too deep
    or with too long a string (`scan_json`) before decoding it. Every byte and JSON value is
    charged to `budget`, which may be shared by the readers of one submission's workers."""

    limits: Limits = field(default_factory=Limits)
    budget: Budget | None = None
    _buffer: bytearray = field(default_factory=bytearray)

    def feed(self, data: bytes) -> Iterator[tuple[dict[str, Any], list[bytes]]]:
        if self.budget is not None:
            self.budget.charge(data_bytes=len(data))
        self._buffer += data
        while len(self._buffer) >= _PREFIX.size:
            magic, payload_length, header_length = _PREFIX.unpack_from(self._buffer)
            if magic != MAGIC or header_length + 4 > payload_length:
                raise ProtocolError("corrupt frame")
            if payload_length > self.limits.max_frame_bytes:
                raise ProtocolError(f"message of {payload_length} bytes exceeds the limit "
                                    f"of {self.limits.max_frame_bytes}")
            if header_length > self.limits.max_header_bytes:
                raise ProtocolError(f"message header of {header_length} bytes exceeds the limit "
                                    f"of {self.limits.max_header_bytes}")
            end = _PREFIX.size - 4 + payload_length
            if len(self._buffer) < end:
                return
            frame = bytes(self._buffer[_PREFIX.size:end])
            del self._buffer[:end]
            yield self._split(frame, header_length)

    def _split(self, frame: bytes, header_length: int) -> tuple[dict[str, Any], list[bytes]]:
        text = frame[:header_length]
        items = scan_json(text, self.limits.max_json_items, self.limits.max_json_depth, self.limits.max_string_chars)
        if self.budget is not None:
            self.budget.charge(json_items=items)
        return _split(frame, text)


def _split(frame: bytes, text: bytes) -> tuple[dict[str, Any], list[bytes]]:
    header_length = len(text)
    try:
        header = json.loads(text.decode("utf-8"))
        message, sizes = header["m"], header["sizes"]
        if type(message) is not dict or type(sizes) is not list:
            raise ProtocolError("corrupt header")
        blobs, offset = [], header_length
        for size in sizes:
            if type(size) is not int or size < 0 or offset + size > len(frame):
                raise ProtocolError("corrupt blob sizes")
            blobs.append(frame[offset:offset + size])
            offset += size
        return message, blobs
    except ProtocolError:
        raise
    except Exception as exc:
        raise ProtocolError(f"corrupt header ({type(exc).__name__})") from None
