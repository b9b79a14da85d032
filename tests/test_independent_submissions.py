"""Submissions written from the release notebooks and the SPEC alone, graded by the real judge.

tests/independent/<assignment>/<style>.py: a complete correct answer in one style (loops, einsum,
np.dot, concatenated weights, time-vectorized, float32 intermediates, tanh-based sigmoid, cached or
recomputed BPTT, nditer/flat-index/ndindex numerical gradients, clipping with or without PyTorch's
+1e-6, Adam state as nested dicts or a tuple with an int step, logaddexp.accumulate or a hand-written
running-max log-cumsum-exp, minibatches with replacement or from shuffled epochs...). Every style
must get full marks on every graded cell. Its top-level functions go into the solution cell of the
same name, or the cell that CELL_OF names (gru_variants has cells holding several functions).

tests/independent/mutants/<assignment>/<bug>.py: one realistic bug. The file names its correct base
style (`# base: <style>`) and holds the functions that differ; they replace the base's definitions
in place (helpers of the base stay). A mutant must lose points exactly on the cells listed in
MUTANTS, keep full marks everywhere else, and, where the hidden tests know the bug, every failed
check of that cell names it. No feedback may show numbers from the hidden inputs.

tests/independent/float32/<assignment>/<style>.py: correct equations computed partly in float32
(matrix products, or every returned state). They also get full marks, on every seed; the test
with two pinned seeds keeps one that once drew a failing entry.

Each assignment's submissions are graded once, when a test first needs them, on a copy of the
course files (so `-k gru_variants` grades only that assignment).
"""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import nbformat
import pytest
from course_support import REPO, source_points

from grucourse.judge import grade as judge_grade
from grucourse.judge.grade import grade_submission
from grucourse.pipeline.course_copy import copy_course
from grucourse.results import SubmissionResult
from grucourse.simulate import fill_solutions, solution_cells

pytestmark = pytest.mark.slow

HERE = Path(__file__).parent / "independent"
ASSIGNMENTS = [a for a in REPO.code_assignments() if (HERE / a).is_dir()]  # with independent submissions
# function -> solution cell, for functions that do not have a cell of their own
CELL_OF = {"sigmoid": "gru_core", "gru_forward": "gru_core", "gru_backward": "gru_core",
           "g": "g_functions", "log_g": "g_functions", "adam_init": "adam", "adam_step": "adam"}
STYLES = [(a, p.stem) for a in ASSIGNMENTS for p in sorted((HERE / a).glob("*.py"))]
FLOAT32 = [(a, p.stem) for a in ASSIGNMENTS for p in sorted((HERE / "float32" / a).glob("*.py"))]

FORWARD = ("gru_cell_forward_tests", "gru_forward_tests")
BPTT = ("gru_cell_backward_tests", "gru_backward_tests")
CHO = "the update gate has the opposite role"
AFTER = "the reset gate is applied after the product with U_h"
GAP = "reset_placement_gap_tests"


def lose(*cells: str, hint: str | None = None) -> dict[str, str | None]:
    return dict.fromkeys(cells, hint)


# (assignment, mutant) -> {cell that must lose points: text every failed check there shows, or None}
MUTANTS: dict[tuple[str, str], dict[str, str | None]] = {
    ("gru_gates", "cho_update"): lose("hidden_state_tests", *FORWARD, hint=CHO),
    ("gru_gates", "reset_after_product"): lose("candidate_hidden_state_tests", *FORWARD, hint=AFTER),
    ("gru_gates", "reset_gate_no_bias"): {"reset_gate_tests": "the bias b_r is missing", **lose(*FORWARD)},
    ("gru_gates", "naive_sigmoid"): lose("sigmoid_tests", hint="sigmoid overflows for large |x|"),
    ("gru_gates", "sigmoid_where_both_branches"): lose("sigmoid_tests", hint="sigmoid overflows for large |x|"),
    ("gru_gates", "candidate_ignores_reset"): {
        "candidate_hidden_state_tests": "the reset gate R_t is not used", **lose(*FORWARD)},
    ("gru_gates", "candidate_bias_first_row"): lose("candidate_hidden_state_tests", *FORWARD),
    ("gru_gates", "update_gate_transposed_U"): lose("update_gate_tests", *FORWARD),
    ("gru_gates", "cell_uses_Z_as_reset"): lose(*FORWARD),
    ("gru_gates", "forward_from_H0"): lose("gru_forward_tests", hint="every step starts from H0"),
    ("gru_gates", "forward_includes_H0"): lose("gru_forward_tests", hint="H0 must not be included"),
    ("gru_gates", "forward_one_step_short"): lose("gru_forward_tests"),
    ("gru_gates", "forward_last_state_only"): lose("gru_forward_tests"),
    ("gru_gates", "cell_passes_one_minus_Z"): lose(*FORWARD, hint=CHO),
    # the time loop written out with the role of the chapter's prose; the cell functions are right
    ("gru_gates", "forward_loop_cho"): lose("gru_forward_tests", hint=CHO),
    ("gru_bptt", "no_direct_path"): lose(*BPTT, hint="the direct path dH_prev += dH_t * (1 - Z) is missing"),
    # the base's gru_backward sums the steps' gradients as they come, so it keeps the (h,) shape
    ("gru_bptt", "bias_grads_flat"): lose(*BPTT, hint="expected shape"),
    # the published slip: tanh' and sigmoid' taken at the pre-activations (1 - a**2, a (1 - a))
    ("gru_bptt", "derivatives_at_preactivations"): lose(*BPTT, hint="the derivatives are taken at the pre-activations"),
    # the base's gru_backward is written out and does not call the buggy cell
    ("gru_bptt", "dZ_wrong_sign"): lose("gru_cell_backward_tests"),
    ("gru_bptt", "dU_r_transposed"): lose("gru_cell_backward_tests"),
    ("gru_bptt", "dU_h_without_reset"): lose(*BPTT),
    ("gru_bptt", "cell_missing_candidate_path"): lose("gru_cell_backward_tests"),
    ("gru_bptt", "dH_prev_U_z_untransposed"): lose(*BPTT),
    ("gru_bptt", "bptt_dX_reversed"): lose("gru_backward_tests"),
    ("gru_bptt", "bptt_last_step_only"): lose("gru_backward_tests"),
    ("gru_bptt", "bptt_no_carry"): lose("gru_backward_tests", hint="is not carried back to the step before"),
    ("gru_bptt", "bptt_grads_overwritten"): lose("gru_backward_tests", hint="sum (+=) the gradients of all steps"),
    ("gru_bptt", "bptt_states_off_by_one"): lose("gru_backward_tests"),
    ("gru_bptt", "clip_per_tensor"): lose("clip_gradients_tests", hint="clipped by its own norm"),
    ("gru_bptt", "clip_in_place"): lose("clip_gradients_tests", hint="modified the input gradients in place"),
    ("gru_bptt", "clip_always_scales"): lose("clip_gradients_tests", hint="already below max_norm"),
    ("gru_bptt", "clip_sum_of_norms"): lose("clip_gradients_tests"),
    ("gru_bptt", "numgrad_one_sided"): lose("numerical_gradient_tests", hint="one-sided difference"),
    ("gru_bptt", "numgrad_one_sided_fixed_step"): lose("numerical_gradient_tests", hint="eps argument is ignored"),
    ("gru_bptt", "numgrad_no_restore"): lose("numerical_gradient_tests", hint="left x changed"),
    ("gru_bptt", "numgrad_restore_by_adding"): lose("numerical_gradient_tests", hint="left x changed"),
    ("gru_bptt", "numgrad_on_copy"): lose("numerical_gradient_tests", hint="not of a copy"),
    ("gru_variants", "torch_update_swapped"): {
        "torch_gru_forward_tests": "the update gate has the course's role", **lose(GAP)},
    ("gru_variants", "c2t_z_not_negated"): {"chapter_to_torch_tests": "the update gate is not negated", **lose(GAP)},
    ("gru_variants", "c2t_b_h_in_bias_hh"): {"chapter_to_torch_tests": "b_h went into the hidden bias", **lose(GAP)},
    ("gru_variants", "c2t_not_transposed"): {"chapter_to_torch_tests": "expected shape", **lose(GAP)},
    # their mingru_parallel is right: the check comparing it with the notebook's own mingru_sequential
    # is not counted when that one is wrong, so the bug costs points once
    ("gru_variants", "g_without_half"): lose("g_functions_tests", "mingru_sequential_tests"),
    ("gru_variants", "mingru_update_swapped"): {"mingru_sequential_tests": "the update gate has the opposite role"},
    ("gru_variants", "log_g_of_g"): lose("g_functions_tests", hint="log(g(x)) underflows"),
    ("gru_variants", "scan_without_leading_zero"): {
        "parallel_scan_log_tests": "a* lacks its leading 0, so log h0 is dropped", **lose("mingru_parallel_tests")},
    ("gru_variants", "cumsum_wrong_axis"): {
        "parallel_scan_log_tests": "the cumulative sum runs over the last axis", **lose("mingru_parallel_tests")},
    ("gru_variants", "markers_may_coincide"): lose("adding_problem_tests"),
    ("gru_variants", "loss_summed"): lose("mse_loss_and_grads_tests", hint="the loss is summed over the sequences"),
    ("gru_variants", "adam_no_bias_correction"): lose("adam_step_tests", hint="the bias correction"),
    ("gru_variants", "adam_eps_inside_sqrt"): lose("adam_step_tests", hint="eps is inside the square root"),
    ("gru_variants", "train_ignores_lr"): lose("train_adding_tests", hint="the trained GRU's MSE on fresh sequences"),
    ("gru_variants", "lstm_three_blocks"): lose("param_counts_tests", hint="the LSTM has four blocks"),
    ("gru_variants", "counts_two_biases"): lose("param_counts_tests", hint="two bias vectors per gate"),
}
# (assignment, mutant) -> (a hint some failed check must give, a hint for another bug no check may give)
SAID = {("gru_bptt", "dZ_wrong_sign"): ("dZ has the wrong sign", CHO)}

# A float with three or more decimals, or an array repr: a hidden input leaking into feedback.
LEAK = re.compile(r"\d\.\d{3,}|array\(|\[\s*-?\d+\.\d")


def cell_of(function: str, cells: list[str]) -> str | None:
    """The solution cell a top-level function of a snippet belongs to, if any."""
    if function in cells:
        return function
    return CELL_OF[function] if CELL_OF.get(function) in cells else None


def functions_by_cell(text: str, cells: list[str]) -> dict[str, str]:
    """Split a snippet into solution cells: each function goes into its cell (`cell_of`), together
    with the helpers written before it; helpers after the last one go with the last."""
    lines, answers, start, last = text.splitlines(), {}, 0, None
    for node in ast.parse(text).body:
        cell = cell_of(node.name, cells) if isinstance(node, ast.FunctionDef) else None
        if cell:
            code = "\n".join(lines[start:node.end_lineno]).strip() + "\n"
            answers[cell] = answers[cell] + "\n\n" + code if cell in answers else code
            start, last = node.end_lineno, cell
    tail = "\n".join(lines[start:]).strip()
    if tail and last:
        answers[last] += "\n\n" + tail + "\n"
    return answers


def replace_definitions(answers: dict[str, str], text: str) -> dict[str, str]:
    """The answers with every function defined in `text` replaced where the answers define it."""
    answers, lines = dict(answers), text.splitlines()
    for node in ast.parse(text).body:
        if not isinstance(node, ast.FunctionDef):
            continue
        new = lines[node.lineno - 1:node.end_lineno]
        for cell, source in answers.items():
            old = [n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == node.name]
            if old:
                body = source.splitlines()
                answers[cell] = "\n".join(body[:old[0].lineno - 1] + new + body[old[0].end_lineno:]) + "\n"
                break
        else:
            raise ValueError(f"{node.name} is not defined by the base style")
    return answers


def base_of(path: Path) -> str:
    match = re.search(r"^# base: (\w+)$", path.read_text(), re.M)
    assert match, f"{path} does not name its base style"
    return match.group(1)


@contextmanager
def judge_seed(seed: int) -> Iterator[None]:
    """The judge draws its hidden inputs from this seed instead of os.urandom."""
    with mock.patch.object(judge_grade.os, "urandom", lambda k: seed.to_bytes(k, "big")):
        yield


class Graded(dict):
    """(assignment, submission) -> result; an assignment's submissions are graded on first access."""

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root
        self.course = copy_course(root / "course")

    def __missing__(self, key: tuple[str, str]) -> SubmissionResult:
        assignment = key[0]
        cells = list(solution_cells(self.course, assignment))
        styles = {p.stem: functions_by_cell(p.read_text(), cells) for p in sorted((HERE / assignment).glob("*.py"))}
        submissions = dict(styles)
        for path in sorted((HERE / "float32" / assignment).glob("*.py")):
            submissions[path.stem] = functions_by_cell(path.read_text(), cells)
        for path in sorted((HERE / "mutants" / assignment).glob("*.py")):
            submissions[path.stem] = replace_definitions(styles[base_of(path)], path.read_text())
        for name, answers in submissions.items():
            assert answers.keys() == set(cells), f"{assignment}/{name} must answer every solution cell"
            student = name.replace("_", "-")
            path = write_submission(self.root, self.course, assignment, student, answers)
            self[assignment, name] = grade_submission(self.course, student, assignment, path)
        if key not in self:
            raise KeyError(key)
        return self[key]


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Graded:
    return Graded(tmp_path_factory.mktemp("independent"))


def lost(result: SubmissionResult) -> set[str]:
    return {gid for gid, cell in result.cells.items() if cell.score < cell.max_score - 1e-9}


def report(result: SubmissionResult) -> str:
    return "\n".join(cell.feedback() for cell in result.cells.values())


@pytest.mark.parametrize("assignment, style", STYLES + FLOAT32, ids=[f"{a}-{s}" for a, s in STYLES + FLOAT32])
def test_correct_style_gets_full_marks(results, assignment: str, style: str) -> None:
    result = results[assignment, style]
    assert not result.problems, result.problems
    assert result.max_score == source_points(REPO, assignment)
    assert not lost(result), report(result)
    assert result.score == source_points(REPO, assignment)
    errors = [o for outputs in result.cell_outputs.values() for o in outputs if o.get("output_type") == "error"]
    assert not errors, "a correct style also passes every visible check"


CASES = sorted(MUTANTS)


@pytest.mark.parametrize("assignment, mutant", CASES, ids=[f"{a}-{m}" for a, m in CASES])
def test_mutant_loses_points_only_where_the_bug_shows(results, assignment: str, mutant: str) -> None:
    result = results[assignment, mutant]
    expected = MUTANTS[assignment, mutant]
    assert not result.problems, result.problems
    assert result.max_score == source_points(REPO, assignment)
    assert lost(result) == set(expected), report(result)
    for gid, hint in expected.items():
        failed = [check.message for check in result.cells[gid].checks if not check.passed]
        assert failed, report(result)
        if hint is not None:
            assert all(hint in message for message in failed), result.cells[gid].feedback()
    messages = [check.message for cell in result.cells.values() for check in cell.checks]
    if (assignment, mutant) in SAID:
        said, not_said = SAID[assignment, mutant]
        assert any(said in m for m in messages), report(result)
        assert not any(not_said in m for m in messages), report(result)
    leaks = [m for m in messages if LEAK.search(m)]
    assert not leaks, leaks


def test_every_snippet_is_graded_and_listed() -> None:
    """At least six styles per assignment; every mutant file is in the table and vice versa."""
    for assignment in ASSIGNMENTS:
        assert len([s for a, s in STYLES if a == assignment]) >= 6
    files = {(p.parent.name, p.stem) for p in (HERE / "mutants").glob("*/*.py")}
    assert files == set(MUTANTS)
    for path in (HERE / "mutants").glob("*/*.py"):
        assert (HERE / path.parent.name / f"{base_of(path)}.py").is_file(), path


def write_submission(root: Path, course, assignment: str, student: str, answers: dict[str, str]) -> Path:
    nb = fill_solutions(nbformat.read(course.release_notebook(assignment), as_version=4), answers)
    path = root / "submitted" / student / assignment / f"{assignment}.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(nb, path)
    return path


def test_float32_score_does_not_depend_on_the_seed(tmp_path: Path) -> None:
    course = copy_course(tmp_path / "course")
    cells = list(solution_cells(course, "gru_gates"))
    answers = functions_by_cell((HERE / "float32" / "gru_gates" / "float32_output.py").read_text(), cells)
    path = write_submission(tmp_path, course, "gru_gates", "float32", answers)
    scores = []
    for seed in (3, 4):
        with judge_seed(seed):
            result = grade_submission(course, "float32", "gru_gates", path)
        assert f"rng seed {seed}" in result.log, "the judge no longer draws its seed from os.urandom"
        scores.append(result.score)
    assert scores[0] == scores[1], scores
