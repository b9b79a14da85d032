"""The wire format: plain values round-trip; anything else is refused or becomes Foreign."""
from __future__ import annotations

import io
import pickle

import numpy as np
import pytest

from grucourse.judge import protocol
from grucourse.judge.protocol import (
    Foreign,
    FrameReader,
    Limits,
    Probe,
    ProtocolError,
    decode,
    encode,
    pack,
)


def round_trip(value, limits: Limits | None = None):
    limits = Limits() if limits is None else limits
    blobs: list[bytes] = []
    message = {"value": encode(value, blobs)}
    frames = list(FrameReader(limits).feed(pack(message, blobs)))
    assert len(frames) == 1
    received, received_blobs = frames[0]
    return decode(received["value"], received_blobs, limits)


def test_plain_values_round_trip_exactly() -> None:
    array = np.arange(12, dtype=np.float64).reshape(3, 4) / 7
    value = {"a": [1, 2.5, None, True, "text"], "b": (array, np.int32(7)), "c": float("nan"),
             "d": float("-inf"), "e": np.float32(1.5), "f": np.array([1 + 2j])}
    back = round_trip(value)
    assert back["a"] == [1, 2.5, None, True, "text"]
    assert isinstance(back["b"], tuple) and np.array_equal(back["b"][0], array) and back["b"][0].dtype == np.float64
    assert back["b"][1] == 7 and back["b"][1].dtype == np.int32
    assert np.isnan(back["c"]) and back["d"] == float("-inf")
    assert back["e"].dtype == np.float32 and back["f"].dtype == np.complex128


def test_unsupported_values_become_foreign() -> None:
    class Sneaky:
        def __eq__(self, other):
            return True

    back = round_trip([Sneaky(), np.array([object()], dtype=object), {1: 2}, len, np.array([("a", 1)], dtype="U1,i4")])
    assert isinstance(back[0], Foreign) and back[0].type_name.endswith("Sneaky")
    assert all(isinstance(item, Foreign) for item in back)
    assert "object" in back[1].type_name


def test_decoded_arrays_are_plain_ndarrays_even_for_subclasses() -> None:
    class Evil(np.ndarray):
        def __eq__(self, other):
            return True

    back = round_trip(np.arange(3.0).view(Evil))
    assert isinstance(back, Foreign)  # a subclass is not sent as an array at all
    back = round_trip(np.ma.masked_array([1.0, 2.0]))
    assert isinstance(back, Foreign)


def _frame_with_blob(blob: bytes, node: dict) -> tuple[dict, list[bytes]]:
    return next(iter(FrameReader().feed(pack({"value": node}, [blob]))))


def test_pickled_object_arrays_are_refused() -> None:
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"x": 1}], dtype=object), allow_pickle=True)
    message, blobs = _frame_with_blob(buffer.getvalue(), {"t": "ndarray", "b": 0})
    with pytest.raises(ProtocolError, match="not a plain numpy array"):
        decode(message["value"], blobs)


def test_raw_pickle_and_garbage_blobs_are_refused() -> None:
    for blob in (pickle.dumps(np.arange(3)), b"\x93NUMPY garbage"):
        message, blobs = _frame_with_blob(blob, {"t": "ndarray", "b": 0})
        with pytest.raises(ProtocolError):
            decode(message["value"], blobs)


def test_non_numeric_arrays_are_refused_on_decode() -> None:
    buffer = io.BytesIO()
    np.save(buffer, np.array(["abc"]), allow_pickle=False)
    message, blobs = _frame_with_blob(buffer.getvalue(), {"t": "ndarray", "b": 0})
    with pytest.raises(ProtocolError, match="not numeric"):
        decode(message["value"], blobs)


def test_oversized_data_is_refused() -> None:
    small = Limits(max_frame_bytes=10_000, max_array_bytes=1_000, max_items=50)
    with pytest.raises(ProtocolError, match="array too large"):
        round_trip(np.zeros(1_000), small)
    with pytest.raises(ProtocolError, match="exceeds the limit"):
        list(FrameReader(small).feed(pack({"x": "y" * 20_000})))
    with pytest.raises(ProtocolError, match="too large or too deeply nested"):
        round_trip(list(range(100)), small)
    nested: list = []
    for _ in range(40):
        nested = [nested]
    back = round_trip(nested)  # the encoder cuts what is too deep instead of failing
    for _ in range(protocol.MAX_DEPTH):
        back = back[0]
    assert back == Foreign("deeply nested value")
    with pytest.raises(ProtocolError):
        decode({"t": "list", "v": [{"t": "list", "v": []}] * 3}, [], Limits(max_items=2))


def test_frame_reader_rejects_corruption_and_handles_fragments() -> None:
    data = pack({"op": "hello"}) + pack({"op": "second"}, [b"xyz"])
    reader = FrameReader()
    frames = [frame for i in range(len(data)) for frame in reader.feed(data[i:i + 1])]
    assert [f[0]["op"] for f in frames] == ["hello", "second"] and frames[1][1] == [b"xyz"]
    with pytest.raises(ProtocolError, match="corrupt"):
        list(FrameReader().feed(b"EVIL" + data[4:]))


def test_malformed_trees_are_refused() -> None:
    for node in ({"t": "pickle"}, {"t": "dict", "k": [1], "v": [2]}, {"t": "ndarray", "b": 5}, [1, 2], 1.5):
        with pytest.raises(ProtocolError):
            decode(node, [])


def test_probes_cross_as_descriptions_and_build_the_fixed_functions() -> None:
    A = np.array([[1.0, 2.0]])
    probe = round_trip(Probe("quadratic", A=A))
    assert isinstance(probe, Probe) and probe.kind == "quadratic"
    x = np.array([[0.5, -1.0]])
    expected = np.sum(A * x**2) + np.sum(np.sin(x))
    assert probe.build([], {})(x) == pytest.approx(expected)
    closure = Probe("closure_quadratic", A=A, x_index=1).build([None, x], {})
    assert closure("ignored") == pytest.approx(expected)
    by_name = Probe("closure_quadratic", A=A, x_index="x").build([], {"x": x})
    assert by_name("ignored") == pytest.approx(expected)
    with pytest.raises(ValueError, match="unknown probe"):
        Probe("os.system")
    assert set(protocol.PROBES) >= {"quadratic", "closure_quadratic"}
