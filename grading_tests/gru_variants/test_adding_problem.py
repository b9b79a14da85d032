"""Hidden checks for adding_problem: properties of the data, not particular random numbers.

Any generator with the documented layout passes, whatever order it draws its numbers in; each
property is its own check so a partly right generator keeps part of the point.
"""
import numpy as np
import pytest

from grucourse.judge.checks import as_float_array, expect_tuple

pytestmark = pytest.mark.grade_id("adding_problem_tests")
# The data are right when these two pass; zeros of the right shapes pass the others (y = 0 is the sum
# of no marked values, and zeros are the same for every seed), so those count only after these.
DATA = pytest.mark.requires_values("test_two_markers_per_sequence", "test_values_uniform_in_unit_interval")


def generated(student, rng, n=None, T=None, seed=None):
    """The student's (X, y) for a random size and seed, checked to be arrays of the documented shapes."""
    n = int(rng.integers(40, 80)) if n is None else n
    T = int(rng.integers(20, 40)) if T is None else T
    seed = int(rng.integers(0, 2**31)) if seed is None else seed
    X, y = expect_tuple(student.adding_problem(n, T, seed), ("X", "y"), name="adding_problem")
    return (as_float_array(X, name="adding_problem's X", shape=(T, n, 2)),
            as_float_array(y, name="adding_problem's y", shape=(n, 1)))


@DATA
def test_shapes(student, rng):
    """adding_problem(n, T, seed) returns X (T, n, 2) and y (n, 1)"""
    generated(student, rng)


@pytest.mark.judges_values("the markers of channel 1 have no reference array: any positions may be drawn")
def test_two_markers_per_sequence(student, rng):
    """channel 1 is 1 at exactly two time steps of every sequence and 0 elsewhere"""
    X, _ = generated(student, rng, n=2000)  # many sequences: two draws landing on one step must show
    markers = X[:, :, 1]
    if not np.all((markers == 0) | (markers == 1)):
        raise AssertionError("channel 1 of X must hold only the markers 0 and 1")
    if not np.all(markers.sum(axis=0) == 2):
        raise AssertionError("every sequence needs exactly two marked time steps (two distinct steps with 1 "
                             "in channel 1): draw the second position among the other T - 1 steps")


@DATA
def test_target_is_sum_of_marked_values(student, rng):
    """y is the sum of the two values marked in each sequence"""
    X, y = generated(student, rng, n=2000)
    if not np.allclose(y[:, 0], np.sum(X[:, :, 0] * X[:, :, 1], axis=0), rtol=1e-12, atol=1e-12):
        raise AssertionError("y is not the sum of the values of channel 0 at the two marked steps of each sequence")


@pytest.mark.judges_values("the values of channel 0 have no reference array: any uniform draws pass")
def test_values_uniform_in_unit_interval(student, rng):
    """channel 0 holds values drawn uniformly from [0, 1)"""
    X, _ = generated(student, rng)
    values = X[:, :, 0]
    if values.min() < 0 or values.max() >= 1:
        raise AssertionError("channel 0 of X must lie in [0, 1)")
    if values.std() < 0.2 or values.min() > 0.1 or values.max() < 0.9:
        raise AssertionError("channel 0 of X does not look uniform on [0, 1) (use rng.uniform(size=...))")


@DATA
def test_deterministic_per_seed(student, rng):
    """the same seed gives the same data, another seed other data"""
    n, T, seed = 30, 15, int(rng.integers(0, 2**31))
    first, again = generated(student, rng, n, T, seed), generated(student, rng, n, T, seed)
    if not (np.array_equal(first[0], again[0]) and np.array_equal(first[1], again[1])):
        raise AssertionError("two calls with the same seed gave different data: draw everything from "
                             "np.random.default_rng(seed)")
    other = generated(student, rng, n, T, seed + 1)
    if np.array_equal(first[0], other[0]):
        raise AssertionError("two different seeds gave the same data: draw everything from np.random.default_rng(seed)")
