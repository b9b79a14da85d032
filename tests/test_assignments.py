"""The three code assignments graded end to end by the real judge (sandbox + hidden tests).

Correct implementations written independently of the reference, in several styles
(tests/students/<assignment>/<style>/), get full marks on every graded cell. Each simulated
profile with one realistic bug (grucourse.simulate) and each mutant snippet
(tests/students/mutants/) loses points exactly on the cells where that bug shows, and the
failed checks name it.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from course_support import source_points

from grucourse.course import Course
from grucourse.judge.grade import grade_submission
from grucourse.results import SubmissionResult
from grucourse.simulate import (
    answers_for,
    fill_solutions,
    make_submission,
    profiles,
    solution_cells,
)

REPO = Course.at(Path(__file__).resolve().parents[1])
STUDENTS = Path(__file__).parent / "students"
STYLES = [(a, p.name) for a in REPO.code_assignments() if (STUDENTS / a).is_dir()
          for p in sorted((STUDENTS / a).iterdir()) if p.is_dir()]
MUTANTS = sorted((STUDENTS / "mutants").glob("*/*.py"))

FORWARD = ("gru_cell_forward_tests", "gru_forward_tests")


def same(hint: str, *cells: str) -> dict[str, str]:
    return dict.fromkeys(cells, hint)


# assignment -> profile or mutant -> {cell that must lose points: text every failed check there shows}
EFFECTS: dict[str, dict[str, dict[str, str]]] = {
    "gru_gates": {
        "correct": {},
        "cho_update": same("opposite role", "hidden_state_tests", *FORWARD),
        "reset_after": same("after the product with U_h", "candidate_hidden_state_tests", *FORWARD),
        "no_bias": same("missing", "reset_gate_tests", "update_gate_tests", "candidate_hidden_state_tests", *FORWARD),
        "naive_sigmoid": same("overflow", "sigmoid_tests"),
        "syntax_error": same("is not defined", "hidden_state_tests", *FORWARD),
        "import_error": same("is not defined", "update_gate_tests", *FORWARD),
        "returns_list": same("returned a list", "gru_forward_tests"),
        "gru_forward__wrong_shape": same("expected shape", "gru_forward_tests"),
        "sigmoid__nan_at_large_x": same("returns nan", "sigmoid_tests"),
    },
    "gru_bptt": {
        "correct": {},
        "no_direct_path": same("direct path", "gru_cell_backward_tests", "gru_backward_tests"),
        "last_step_only": same("sum (+=) the gradients of all steps", "gru_backward_tests"),
        "per_tensor_clip": same("clipped by its own norm", "clip_gradients_tests"),
        "one_sided": same("one-sided difference", "numerical_gradient_tests"),
        "no_restore": same("left x changed", "numerical_gradient_tests"),
        "syntax_error": same("is not defined", "clip_gradients_tests"),
        "import_error": same("is not defined", "gru_backward_tests"),
        "returns_list": same("returned a list", "numerical_gradient_tests"),
        # the student's own gru_backward then fails adding the misshaped bias gradients
        "gru_cell_backward__bias_grad_keeps_batch": {"gru_cell_backward_tests": "expected shape",
                                                     "gru_backward_tests": "raised ValueError"},
        "clip_gradients__in_place": same("modified the input gradients in place", "clip_gradients_tests"),
    },
    "gru_variants": {
        "correct": {},
        # reset_placement_gap builds on the student's own torch_gru_forward / chapter_to_torch
        "torch_cho_swapped": {"torch_gru_forward_tests": "PyTorch computes h' = (1 - z) * n + z * h",
                              "reset_placement_gap_tests": "reset_placement_gap"},
        "z_not_negated": {"chapter_to_torch_tests": "the update gate is not negated",
                          "reset_placement_gap_tests": "reset_placement_gap"},
        "log_of_g": same("log(g(x)) underflows", "g_functions_tests"),
        "scan_wrong_axis": {"parallel_scan_log_tests": "the cumulative sum runs over the last axis",
                            "mingru_parallel_tests": "mingru_parallel returned wrong values"},
        "loss_summed": same("the loss is summed over the sequences", "mse_loss_and_grads_tests"),
        "adam_no_bias_correction": same("the bias correction", "adam_step_tests"),
        "sgd_training": same("the trained GRU's MSE on fresh sequences", "train_adding_tests"),
        "lstm_three_blocks": same("the LSTM has four blocks", "param_counts_tests"),
    },
}
CELL_ERRORS = {"syntax_error": "SyntaxError", "import_error": "ModuleNotFoundError"}


def grade(tmp_path: Path, assignment: str, nb: nbformat.NotebookNode, student: str = "s1") -> SubmissionResult:
    path = tmp_path / student / assignment / f"{assignment}.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(nb, path)
    return grade_submission(REPO, student, assignment, path)


def released_with(assignment: str, answers: dict[str, str]) -> nbformat.NotebookNode:
    return fill_solutions(nbformat.read(REPO.release_notebook(assignment), as_version=4), answers)


def graded_cells(assignment: str) -> set[str]:
    source = nbformat.read(REPO.source_notebook(assignment), as_version=4)
    return {c.metadata.nbgrader.grade_id for c in source.cells if c.metadata.get("nbgrader", {}).get("grade")}


def lost_points(result: SubmissionResult) -> set[str]:
    return {gid for gid, cell in result.cells.items() if cell.score < cell.max_score - 1e-9}


def assert_effects(result: SubmissionResult, hints: dict[str, str]) -> None:
    """Points are lost exactly on the cells of `hints`, and every failed check there says the hint."""
    assert not result.problems
    assert result.max_score == source_points(REPO, result.assignment)
    assert set(result.cells) == graded_cells(result.assignment)
    assert lost_points(result) == set(hints), {g: c.feedback() for g, c in result.cells.items()}
    for gid, hint in hints.items():
        failed = [c.message for c in result.cells[gid].checks if not c.passed]
        assert failed and all(hint in message for message in failed), result.cells[gid].feedback()
    if not hints:  # a correct notebook also passes every visible check and runs the experiment
        errors = [o for outputs in result.cell_outputs.values() for o in outputs if o.get("output_type") == "error"]
        assert not errors, errors


@pytest.mark.slow
@pytest.mark.parametrize("assignment, style", STYLES, ids=[f"{a}-{s}" for a, s in STYLES])
def test_independent_correct_solutions_get_full_marks(tmp_path: Path, assignment: str, style: str) -> None:
    answers = {p.stem: p.read_text() for p in (STUDENTS / assignment / style).glob("*.py")}
    assert answers.keys() == solution_cells(REPO, assignment).keys(), "a style must answer every solution cell"
    result = grade(tmp_path, assignment, released_with(assignment, answers))
    assert_effects(result, {})
    assert result.score == source_points(REPO, assignment)


CASES = [(a, p) for a in REPO.code_assignments() for p in profiles(REPO, a) if p != "blank"]


@pytest.mark.slow
@pytest.mark.parametrize("assignment, profile", CASES, ids=[f"{a}-{p}" for a, p in CASES])
def test_one_bug_costs_points_only_where_it_shows(tmp_path: Path, assignment: str, profile: str) -> None:
    result = grade(tmp_path, assignment, make_submission(REPO, assignment, profile, "s1"))
    assert_effects(result, EFFECTS[assignment][profile])
    if profile in CELL_ERRORS:  # the student sees the real error under the cell that caused it
        errors = [o.get("ename") for outputs in result.cell_outputs.values() for o in outputs]
        assert CELL_ERRORS[profile] in errors


@pytest.mark.slow
@pytest.mark.parametrize("path", MUTANTS, ids=[p.stem for p in MUTANTS])
def test_mutant_snippets_are_caught_with_a_clear_message(tmp_path: Path, path: Path) -> None:
    assignment, (function, _) = path.parent.name, path.stem.split("__")
    answers = answers_for(REPO, assignment, "correct") | {function: path.read_text()}
    result = grade(tmp_path, assignment, released_with(assignment, answers))
    assert_effects(result, EFFECTS[assignment][path.stem])


@pytest.mark.slow
@pytest.mark.parametrize("assignment", REPO.code_assignments())
def test_blank_submission_scores_zero_without_crashing(tmp_path: Path, assignment: str) -> None:
    result = grade(tmp_path, assignment, make_submission(REPO, assignment, "blank", "s1"))
    assert not result.problems
    assert result.score == 0 and result.max_score == source_points(REPO, assignment)
    messages = [c.message for cell in result.cells.values() for c in cell.checks]
    # a stub that is the whole cell (gru_variants' gru_core) raises before defining anything
    assert messages and all("NotImplementedError" in m or m.endswith("is not defined") for m in messages)
    assert sum("NotImplementedError" in m for m in messages) > len(messages) / 2


def test_every_profile_is_listed_and_edits_the_solutions() -> None:
    """The table above covers every simulated profile and mutant; each bug edits some solution cell."""
    for assignment in REPO.code_assignments():
        named = set(profiles(REPO, assignment)) - {"blank"}
        named |= {p.stem for p in MUTANTS if p.parent.name == assignment}
        assert named == set(EFFECTS[assignment])
        correct = answers_for(REPO, assignment, "correct")
        assert correct == solution_cells(REPO, assignment)
        for profile in profiles(REPO, assignment):
            changed = {k for k, v in answers_for(REPO, assignment, profile).items() if v != correct[k]}
            assert bool(changed) == (profile not in ("correct", "blank")), profile


def test_simulated_submission_is_the_release_with_answers() -> None:
    """Only solution cells change, the profile is recorded, and unknown profiles are refused."""
    release = nbformat.read(REPO.release_notebook("gru_bptt"), as_version=4)
    nb = make_submission(REPO, "gru_bptt", "no_direct_path", "s7")
    assert nb.metadata["simulated"] == {"student": "s7", "profile": "no_direct_path"}
    changed = [a.metadata["nbgrader"]["grade_id"] for a, b in zip(nb.cells, release.cells, strict=True) if a.source != b.source]
    assert changed == list(solution_cells(REPO, "gru_bptt"))
    with pytest.raises(ValueError, match="no simulated profile 'cho_update' for gru_bptt"):
        make_submission(REPO, "gru_bptt", "cho_update", "s7")
