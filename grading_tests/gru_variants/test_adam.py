"""Hidden checks for adam_init and adam_step: three chained steps, each fed the state the student's
own previous step returned (it crosses the sandbox boundary and comes back as plain values).

Betas swapped everywhere, or a step count that never advances, give the right first step and
differ from the second on: that is why a check chains three steps.
"""
import known_bugs as bugs
import numpy as np
import pytest

from grucourse.judge.checks import assert_grads_match, describe, expect_tuple, first_foreign

pytestmark = pytest.mark.grade_id("adam_step_tests")

STEPS = 3
DEFAULTS = {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
# a large eps against small gradients, so that eps inside the square root shows
CUSTOM = {"lr": 0.05, "beta1": 0.8, "beta2": 0.99, "eps": 1e-3}


def draw(rng, scale):
    """Parameters of mixed shapes (an (h,) and a (1,) bias among them) and STEPS gradient dicts."""
    shapes = {"W_z": (3, 4), "b_z": (4,), "W_y": (4, 1), "b_y": (1,)}
    params = {k: rng.standard_normal(shape) for k, shape in shapes.items()}
    return params, [{k: scale * rng.standard_normal(shape) for k, shape in shapes.items()} for _ in range(STEPS)]


def plain_state(state, function):
    """The state as it crossed the boundary; it must be plain so the grader can pass it back."""
    foreign = first_foreign(state)
    if foreign is not None:
        what = "a dict whose keys are not all strings" if foreign.type_name == "dict" else describe(foreign)
        raise AssertionError(f"{function} returned a state holding {what}, which the grader cannot pass back; "
                             "use dicts with string keys, lists, numbers and numpy arrays")
    return state


def hints(params, grads, hyper):
    """Parameters after each step under the typical Adam bugs."""
    swapped = dict(hyper, beta1=hyper["beta2"], beta2=hyper["beta1"])
    return {
        "the bias correction m / (1 - beta1^t), v / (1 - beta2^t) is missing":
            bugs.adam(params, grads, **hyper, bias_correction=False),
        "eps is inside the square root; Adam divides by sqrt(v_hat) + eps": bugs.adam(params, grads, **hyper,
                                                                                      eps_in_sqrt=True),
        "beta1 and beta2 are swapped: m uses beta1, v uses beta2": bugs.adam(params, grads, **swapped),
        "the step count t does not advance (t += 1 before the bias correction, kept in the state)":
            bugs.adam(params, grads, **hyper, frozen_t=True),
        "the moments m and v are not carried from one step to the next in the state":
            bugs.adam(params, grads, **hyper, carry_state=False),
    }


@pytest.mark.weight(2)
@pytest.mark.parametrize("hyper", [None, CUSTOM], ids=["default_hyperparameters", "given_hyperparameters"])
def test_three_steps(student, rng, hyper):
    """three adam_step calls, each on the previous state, give the parameters of torch.optim.Adam"""
    params, grads = draw(rng, 1.0 if hyper is None else 1e-2)
    used = hyper or DEFAULTS
    expected = bugs.adam(params, grads, **used)
    variants = hints(params, grads, used)
    state = plain_state(student.adam_init(params), "adam_init")
    current = params
    for step in range(STEPS):
        result = student.adam_step(current, grads[step], state, **(hyper or {}))
        current, state = expect_tuple(result, ("new_params", "new_state"), name="adam_step")
        state = plain_state(state, "adam_step")
        try:  # a tolerance of 0.1 % of a step: float32 rounding passes, every bug above is far off
            assert_grads_match(current, expected[step], name="adam_step's new_params", rtol=0,
                               atol=1e-3 * used["lr"], hints={text: runs[step] for text, runs in variants.items()})
        except AssertionError as error:
            raise AssertionError(f"step {step + 1} of {STEPS}: {error}") from None


@pytest.mark.requires_values("test_three_steps")
def test_inputs_untouched(student, rng):
    """adam_step leaves the params and grads it is given unchanged"""
    params, grads = draw(rng, 1.0)
    state = plain_state(student.adam_init(params), "adam_init")
    call = student.call("adam_step", params, grads[0], state)
    args = call.args_after[0] if call.args_after else []
    for position, (name, given) in enumerate((("params", params), ("grads", grads[0]))):
        after = args[position] if len(args) > position else None
        if not isinstance(after, dict) or after.keys() != given.keys():
            raise AssertionError(f"adam_step changed the keys of its input {name}")
        if not all(isinstance(after[k], np.ndarray) and np.array_equal(after[k], given[k]) for k in given):
            raise AssertionError(f"adam_step modified its input {name} in place; return new arrays "
                                 "(p - lr * ..., not p -= lr * ...)")
