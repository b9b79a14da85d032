"""Submissions that compute nothing score exactly what a blank notebook scores (SPEC §4).

Each stub kind fills every solution cell of a release notebook with the API's functions (their
signatures taken from the source solutions), each returning a value that computes nothing: None,
zeros or NaN arrays of the right shapes (worked out from the arguments), a constant, or its own
input (a copy of params, the grads it was given). The real judge grades them; every graded cell
must score what the blank notebook scores there. A check that passes for such a stub (a shape,
"inputs unchanged", "restores x") counts only when the same function's values are right: it
declares the value checks it depends on with `requires_values`, which
`test_every_hidden_check_judges_values_or_requires_them` checks statically.
"""
from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

from grucourse.course import Course
from grucourse.judge.grade import grade_submission
from grucourse.results import SubmissionResult
from grucourse.simulate import fill_solutions, make_submission, solution_cells

REPO = Course.at(Path(__file__).resolve().parents[1])
CODE = REPO.code_assignments()
GRADS_LIKE_PARAMS = "{k: fill(np.shape(v)) for k, v in params.items()}"
STATES = "fill((len(X),) + np.shape(H0))"
TORCH = ("(lambda d, h: {'weight_ih_l0': fill((3 * h, d)), 'weight_hh_l0': fill((3 * h, h)), "
         "'bias_ih_l0': fill((3 * h,)), 'bias_hh_l0': fill((3 * h,))})(*np.shape(params['W_r']))")
# function -> (value of the right shapes built with fill(shape), value echoing the inputs)
STUBS: dict[str, tuple[str, str]] = {
    "sigmoid": ("fill(np.shape(x))", "x"),
    "reset_gate": ("fill((len(X_t), np.shape(W_r)[1]))", "H_prev"),
    "update_gate": ("fill((len(X_t), np.shape(W_z)[1]))", "H_prev"),
    "candidate_hidden_state": ("fill(np.shape(H_prev))", "H_prev"),
    "hidden_state": ("fill(np.shape(H_prev))", "H_prev"),
    "gru_cell_forward": ("fill(np.shape(H_prev))", "H_prev"),
    "gru_forward": (STATES, "np.stack([H0] * len(X))"),
    "gru_run": (STATES, "np.stack([H0] * len(X))"),
    "gru_cell_backward": (f"(fill(np.shape(X_t)), fill(np.shape(H_prev)), {GRADS_LIKE_PARAMS})",
                          "(X_t, dH_t, dict(params))"),
    "gru_backward": (f"(fill(np.shape(X)), fill(np.shape(H0)), {GRADS_LIKE_PARAMS})", "(X, dH[0], dict(params))"),
    "numerical_gradient": ("fill(np.shape(x))", "x.copy()"),
    "clip_gradients": ("{k: fill(np.shape(v)) for k, v in grads.items()}", "grads"),
    "torch_gru_forward": ("fill((len(X),) + np.shape(H0))", "np.stack([H0] * len(X))"),
    "chapter_to_torch": (TORCH, "dict(params)"),
    "reset_placement_gap": ("float(fill(()))", "0.0"),
    "g": ("fill(np.shape(x))", "x"),
    "log_g": ("fill(np.shape(x))", "x"),
    "mingru_sequential": ("fill((len(X),) + np.shape(h0))", "np.stack([h0] * len(X))"),
    "mingru_parallel": ("fill((len(X),) + np.shape(h0))", "np.stack([h0] * len(X))"),
    "parallel_scan_log": ("fill(np.shape(log_coeffs))", "log_coeffs"),
    "adding_problem": ("(fill((T, n, 2)), fill((n, 1)))", "(np.zeros((T, n, 2)), np.zeros((n, 1)))"),
    "mse_loss_and_grads": (f"(float(fill(())), {GRADS_LIKE_PARAMS})", "(0.0, dict(params))"),
    "adam_init": (f"{{'t': 0, 'm': {GRADS_LIKE_PARAMS}, 'v': {GRADS_LIKE_PARAMS}}}", "dict(params)"),
    "adam_step": (f"({GRADS_LIKE_PARAMS}, state)", "(dict(params), state)"),
    "train_adding": (f"({GRADS_LIKE_PARAMS}, [float(fill(()))] * steps)", "(dict(params), [0.0] * steps)"),
    "param_counts": ("{cell: count for cell in ('rnn', 'gru', 'lstm')}", "{'rnn': d, 'gru': h, 'lstm': d + h}"),
}
# kind -> (the body template: {shaped} or {echo}, how fill and count are defined)
KINDS: dict[str, tuple[str, str]] = {
    "returns_none": ("return None", ""),
    "raises_not_implemented": ("raise NotImplementedError()", ""),
    "zeros_of_the_right_shapes": ("return {shaped}", "fill = np.zeros\ncount = 0"),
    "nan_of_the_right_shapes": ("return {shaped}", "fill = lambda shape: np.full(shape, np.nan)\ncount = -1"),
    "constants": ("return {shaped}", "fill = lambda shape: np.full(shape, 0.5)\ncount = 1"),
    "returns_its_inputs": ("return {echo}", ""),
}
CASES = [(a, k) for a in CODE for k in KINDS]


def stub_cell(code: str, kind: str) -> str:
    """The solution cell `code` with every function replaced by a stub of `kind` (same signature)."""
    body, setup = KINDS[kind]
    lines = ["import numpy as np", setup] if setup else ["import numpy as np"]
    for node in ast.parse(code).body:
        if isinstance(node, ast.FunctionDef):
            shaped, echo = STUBS[node.name]
            lines.append(f"\n\ndef {node.name}({ast.unparse(node.args)}):\n    "
                         + body.format(shaped=shaped, echo=echo))
    return "\n".join(lines) + "\n"


def stub_submission(assignment: str, kind: str) -> nbformat.NotebookNode:
    answers = {cell: stub_cell(code, kind) for cell, code in solution_cells(REPO, assignment).items()}
    return fill_solutions(nbformat.read(REPO.release_notebook(assignment), as_version=4), answers)


class Graded(dict):
    """(assignment, kind or "blank") -> result, graded on first access."""

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root

    def __missing__(self, key: tuple[str, str]) -> SubmissionResult:
        assignment, kind = key
        nb = make_submission(REPO, assignment, "blank", "blank") if kind == "blank" else stub_submission(*key)
        student = kind.replace("_", "-")
        path = self.root / student / assignment / f"{assignment}.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(nb, path)
        self[key] = grade_submission(REPO, student, assignment, path)
        return self[key]


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Graded:
    return Graded(tmp_path_factory.mktemp("stubs"))


def test_every_solution_function_has_stubs() -> None:
    for assignment in CODE:
        for code in solution_cells(REPO, assignment).values():
            names = {n.name for n in ast.parse(code).body if isinstance(n, ast.FunctionDef)}
            assert names <= STUBS.keys(), names - STUBS.keys()


@pytest.mark.slow
@pytest.mark.parametrize("assignment, kind", CASES, ids=[f"{a}-{k}" for a, k in CASES])
def test_stub_scores_what_blank_scores(graded: Graded, assignment: str, kind: str) -> None:
    blank, result = graded[assignment, "blank"], graded[assignment, kind]
    assert [p.split(": ", 1)[-1] for p in result.problems] == [p.split(": ", 1)[-1] for p in blank.problems]
    assert result.max_score == blank.max_score > 0
    scores = {gid: cell.score for gid, cell in result.cells.items()}
    assert scores == {gid: cell.score for gid, cell in blank.cells.items()}, \
        "\n".join(cell.feedback() for cell in result.cells.values())
    assert result.score == blank.score
    messages = [check.message for cell in result.cells.values() for check in cell.checks if not check.passed]
    assert messages
    if kind != "raises_not_implemented":  # the stubs ran and returned: the checks judged their values
        assert sum("NotImplementedError" not in m and "is not defined" not in m for m in messages) > len(messages) / 2


COMPARISONS = {"assert_matches", "assert_grads_match"}
Markers = dict[str, tuple[str, list[str]]]


def mark_of(call: ast.expr) -> tuple[str, list[str]] | None:
    """("name", string arguments) of a `pytest.mark.name(...)` expression."""
    if isinstance(call, ast.Call) and ast.unparse(call.func).startswith("pytest.mark."):
        return ast.unparse(call.func).removeprefix("pytest.mark."), [a.value for a in call.args
                                                                     if isinstance(a, ast.Constant)]
    return None


def marker_args(function: ast.FunctionDef, marker: str, aliases: Markers) -> list[str] | None:
    """The string arguments of the `marker` on `function` (written out or through a module-level
    alias such as DATA = pytest.mark.requires_values(...)), or None without it."""
    for decorator in function.decorator_list:
        found = aliases.get(decorator.id) if isinstance(decorator, ast.Name) else mark_of(decorator)
        if found and found[0] == marker:
            return found[1]
    return None


def test_every_hidden_check_judges_values_or_requires_them() -> None:
    """Statically: every hidden check compares the student's values with a reference (assert_matches,
    assert_grads_match), or is marked judges_values (a value check without a reference array), or
    requires_values naming checks of its module that are value checks themselves."""
    modules = sorted(REPO.grading_tests.glob("*/test_*.py"))
    assert {m.parent.name for m in modules} == set(CODE)
    for module in modules:
        tree = ast.parse(module.read_text())
        aliases = {ast.unparse(n.targets[0]): mark_of(n.value) for n in tree.body
                   if isinstance(n, ast.Assign) and len(n.targets) == 1 and mark_of(n.value)}
        tests = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")}

        def judges(function: ast.FunctionDef, aliases: dict = aliases) -> bool:
            called = {ast.unparse(n.func) for n in ast.walk(function) if isinstance(n, ast.Call)}
            return bool(called & COMPARISONS) or marker_args(function, "judges_values", aliases) is not None

        for name, function in tests.items():
            where = f"{module.parent.name}/{module.name}::{name}"
            required = marker_args(function, "requires_values", aliases)
            if required is None:
                assert judges(function), f"{where} neither judges values nor declares requires_values"
                continue
            assert required, f"{where}: requires_values names no check"
            for other in required:
                assert other in tests and other != name, f"{where} requires {other}, not a check of its module"
                assert judges(tests[other]) and marker_args(tests[other], "requires_values", aliases) is None, \
                    f"{where} requires {other}, which is not a value check"
