"""Assertions for hidden tests, with messages written for the student.

A message says what was wrong with the returned value (its type, shape, finiteness, or that
the values differ) and, when the value matches a known bug's output, names the bug: the one whose
output is closest to the student's value over all entries, so the same bug gets the same hint
whatever the hidden inputs. It never
contains the hidden inputs or the expected numbers.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from grucourse.judge.protocol import Foreign
from grucourse.judge.student import redact_numbers

RTOL = 1e-5


def describe(value: Any) -> str:
    """How the student's value looks, in words: "a list", "None", "an array of shape (2, 3)"."""
    if value is None:
        return "None (is a return statement missing?)"
    if isinstance(value, Foreign):
        return f"a {value.type_name}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, np.generic):
        return f"a numpy scalar ({value.dtype})"
    return f"a {type(value).__name__}"


def as_float_array(got: Any, *, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """The student's value as a finite float array of `shape`, or an AssertionError saying why not."""
    scalar_ok = shape == () and isinstance(got, (int, float, np.integer, np.floating)) and not isinstance(got, bool)
    if not isinstance(got, np.ndarray) and not scalar_ok:
        expected = "a number" if shape == () else f"a numpy array of shape {shape}"
        raise AssertionError(f"{name} returned {describe(got)}, expected {expected}")
    array = np.asarray(got)
    if array.dtype.kind == "c":
        raise AssertionError(f"{name} returned complex numbers, expected real ones")
    if array.shape != shape:
        hint = " (transposed?)" if array.shape == shape[::-1] else ""
        raise AssertionError(f"{name} returned an array of shape {array.shape}, expected shape {shape}{hint}")
    array = array.astype(float)
    if not np.all(np.isfinite(array)):
        raise AssertionError(f"{name} returned NaN or infinite values (numerical overflow?)")
    return array


def distance(got: np.ndarray, wanted: Any, *, rtol: float, atol: float) -> float:
    """How far `got` is from `wanted` in units of the tolerance: at most 1 exactly when
    np.allclose(got, wanted, rtol, atol); inf for another shape or non-finite `wanted`."""
    wanted = np.asarray(wanted, dtype=float)
    if wanted.shape != got.shape:
        return float("inf")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.abs(got - wanted) / (atol + rtol * np.abs(wanted))
    ratio = np.where(got == wanted, 0.0, ratio)
    return float(np.max(np.nan_to_num(ratio, nan=np.inf), initial=0.0))


def closest_hint(distances: Mapping[str, float]) -> str | None:
    """The hint whose value is closest to the student's, if it matches within the tolerance on
    every entry (distance <= 1); ties go to the first listed. Judging all entries at once, the
    hint named does not depend on which entry of a draw happens to differ first."""
    text, best = min(distances.items(), key=lambda item: item[1], default=(None, float("inf")))
    return text if best <= 1.0 else None


def scale_atol(expected: np.ndarray, rtol: float) -> float:
    """The default atol: entries near zero are compared at the array's scale."""
    return rtol * max(1.0, float(np.max(np.abs(expected), initial=0.0)))


def assert_matches(got: Any, expected: Any, *, name: str, shape: tuple[int, ...] | None = None,
                   hints: Mapping[str, Any] | None = None, rtol: float = RTOL, atol: float | None = None) -> None:
    """Fails unless `got` is a float array of the expected shape close to `expected`; if it is
    close to one of `hints` (explanation -> the value that bug produces), the message names the
    closest (`closest_hint`). Without `atol`, entries near zero are compared at the array's scale
    (rtol * max(1, max|expected|)), so a correct float32 computation passes on every draw."""
    expected = np.asarray(expected, dtype=float)
    array = as_float_array(got, name=name, shape=tuple(shape) if shape is not None else expected.shape)
    if atol is None:
        atol = scale_atol(expected, rtol)
    if np.allclose(array, expected, rtol=rtol, atol=atol):
        return
    hint = closest_hint({text: distance(array, wrong, rtol=rtol, atol=atol) for text, wrong in (hints or {}).items()})
    if hint is not None:
        raise AssertionError(f"{name} returned wrong values: {hint}")
    differing = int(np.sum(~np.isclose(array, expected, rtol=rtol, atol=atol)))
    raise AssertionError(f"{name} returned wrong values ({differing} of {array.size} entries differ)")


def expect_tuple(got: Any, parts: Sequence[str], *, name: str) -> tuple[Any, ...]:
    """`got` if it is a tuple (or list) of len(parts) values, else a message naming the parts."""
    if not isinstance(got, (tuple, list)) or len(got) != len(parts):
        got_text = f"{len(got)} values" if isinstance(got, (tuple, list)) else describe(got)
        raise AssertionError(f"{name} returned {got_text}, expected a tuple ({', '.join(parts)})")
    return tuple(got)


def assert_grads_match(got: Any, expected: Mapping[str, Any], *, name: str,
                       hints: Mapping[str, Mapping[str, Any]] | None = None,
                       rtol: float = RTOL, atol: float | None = None) -> None:
    """Fails unless `got` is a dict with exactly the keys of `expected`, each entry matching.
    `hints` map an explanation to the gradient dict that bug would produce (keys it leaves out are
    the expected ones); the hint closest to all of the student's entries is named."""
    keys = ", ".join(expected)
    if not isinstance(got, dict):
        raise AssertionError(f"{name} returned {describe(got)}, expected a dict with keys {keys}")
    missing = [key for key in expected if key not in got]
    if missing:
        raise AssertionError(f"{name} is missing the gradients {', '.join(missing)}")
    wanted = {key: np.asarray(value, dtype=float) for key, value in expected.items()}
    arrays = {key: as_float_array(got[key], name=f"{name}[{key!r}]", shape=value.shape)
              for key, value in wanted.items()}
    tolerance = {key: scale_atol(value, rtol) if atol is None else atol for key, value in wanted.items()}
    wrong = [key for key in wanted if not np.allclose(arrays[key], wanted[key], rtol=rtol, atol=tolerance[key])]
    if not wrong:
        return
    hint = closest_hint({text: max(distance(arrays[key], grads.get(key, wanted[key]), rtol=rtol, atol=tolerance[key])
                                   for key in wanted) for text, grads in (hints or {}).items()})
    if hint is not None:  # not naming an entry: which entries differ beyond the tolerance depends on the draw
        raise AssertionError(f"{name} returned wrong values: {hint}")
    assert_matches(arrays[wrong[0]], wanted[wrong[0]], name=f"{name}[{wrong[0]!r}]", rtol=rtol, atol=tolerance[wrong[0]])


FLOATING_POINT_WARNINGS = ("overflow", "invalid value", "divide by zero")


def assert_quiet(warnings: Sequence[str], *, name: str, advice: str) -> None:
    """Fails if numpy warned about overflow, an invalid value or a division by zero during the call
    (`CallResult.warnings`); the message quotes the first such warning, real numbers blanked (the
    student's code may word a warning itself), and adds `advice`."""
    noisy = [w for w in warnings if any(kind in w.lower() for kind in FLOATING_POINT_WARNINGS)]
    if noisy:
        raise AssertionError(f"{name} is not numerically stable (numpy warned: {redact_numbers(noisy[0][:120])}); "
                             f"{advice}")


def first_foreign(value: Any) -> Foreign | None:
    """The first value inside `value` (nested lists, tuples, dicts) that could not cross the
    sandbox boundary, or None: a student's state that the grader must send back has to be plain."""
    if isinstance(value, Foreign):
        return value
    items = value.values() if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else ()
    for item in items:
        found = first_foreign(item)
        if found is not None:
            return found
    return None
