"""Simulated student submissions for the code assignments: the demo class and the benchmarks.

A submission is the *release* notebook with its solution cells filled in. The "correct" profile
pastes the instructor's solutions from `source/`; every other profile applies a few text edits
to them that reproduce one realistic mistake, so each profile differs from a correct answer by
exactly one bug and the grader's hints can be checked against it.
"""
from __future__ import annotations

from collections.abc import Mapping

import nbformat

from grucourse.course import Course

Edits = dict[str, list[tuple[str, str]]]  # solution grade_id -> [(old text, new text), ...]

MISTAKES: dict[str, dict[str, Edits]] = {
    "gru_gates": {
        "cho_update": {"hidden_state": [("(1 - Z_t) * H_prev + Z_t * H_tilde", "Z_t * H_prev + (1 - Z_t) * H_tilde")]},
        "reset_after": {"candidate_hidden_state": [("(R_t * H_prev) @ U_h", "R_t * (H_prev @ U_h)")]},
        "no_bias": {
            "reset_gate": [(" + b_r)", ")")],
            "update_gate": [(" + b_z)", ")")],
            "candidate_hidden_state": [(" + b_h)", ")")],
        },
        "naive_sigmoid": {"sigmoid": [("np.exp(-np.abs(x))", "np.exp(-x)"),
                                      ("np.where(x >= 0, 1.0, e) / (1.0 + e)", "1.0 / (1.0 + e)")]},
        "syntax_error": {"hidden_state": [("* H_tilde", "* H_tilde)")]},
        "import_error": {"update_gate": [("def update_gate(", "from gru_helpers import fast_sigmoid\n\n\ndef update_gate(")]},
        "returns_list": {"gru_forward": [("return np.stack(states)", "return states")]},
    },
    "gru_bptt": {
        "no_direct_path": {"gru_cell_backward": [("dH_prev = dH_t * (1 - Z)", "dH_prev = 0 * dH_t")]},
        "last_step_only": {"gru_backward": [("grads[key] += step[key]", "grads[key] = step[key]")]},
        "per_tensor_clip": {"clip_gradients": [
            ("g * scale for", "g * min(1.0, max_norm / max(np.sqrt(np.sum(np.square(g))), 1e-12)) for")]},
        "one_sided": {"numerical_gradient": [("x[idx] = saved - eps\n", "x[idx] = saved\n"),
                                             ("(f_plus - f_minus) / (2 * eps)", "(f_plus - f_minus) / eps")]},
        "no_restore": {"numerical_gradient": [("        x[idx] = saved\n", "")]},
        "syntax_error": {"clip_gradients": [("if norm > max_norm else", "if norm > max_norm")]},
        "import_error": {"gru_backward": [("def gru_backward(", "import torch_gru_utils\n\n\ndef gru_backward(")]},
        "returns_list": {"numerical_gradient": [("return grad\n", "return grad.tolist()\n")]},
    },
    "gru_variants": {
        "torch_cho_swapped": {"torch_gru_forward": [("(1 - z) * n + z * H_t", "z * n + (1 - z) * H_t")]},
        "z_not_negated": {"chapter_to_torch": [('-p["W_z"].T', 'p["W_z"].T'), ('-p["U_z"].T', 'p["U_z"].T'), ('-b["z"]', 'b["z"]')]},
        "log_of_g": {"g_functions": [("np.where(x >= 0, np.log(np.maximum(x, 0.0) + 0.5), -np.logaddexp(0.0, -x))",
                                      "np.log(g(x))")]},
        "scan_wrong_axis": {"parallel_scan_log": [("np.cumsum(log_coeffs, axis=0)", "np.cumsum(log_coeffs, axis=-1)")]},
        "loss_summed": {"mse_loss_and_grads": [("d_out = 2.0 * error / n", "d_out = 2.0 * error"),
                                               ("np.mean(error ** 2)", "np.sum(error ** 2)")]},
        "adam_no_bias_correction": {"adam": [("(m[key] / (1 - beta1 ** t)) / (np.sqrt(v[key] / (1 - beta2 ** t)) + eps)",
                                              "m[key] / (np.sqrt(v[key]) + eps)")]},
        "sgd_training": {"train_adding": [("params, state = adam_step(params, grads, state, lr=lr)",
                                           "params = {key: params[key] - lr * grads[key] for key in params}")]},
        "lstm_three_blocks": {"param_counts": [('"lstm": 4 * block', '"lstm": 3 * block')]},
    },
}

#: Every profile of each code assignment; "blank" is the release notebook as handed out.
PROFILES: dict[str, list[str]] = {a: ["correct", "blank", *mistakes] for a, mistakes in MISTAKES.items()}

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


def solution_cells(course: Course, assignment: str) -> dict[str, str]:
    """The instructor's answer for each solution cell (by grade_id), without the solution markers."""
    source = nbformat.read(course.source_notebook(assignment), as_version=4)
    return {
        cell.metadata["nbgrader"]["grade_id"]: "\n".join(
            line for line in cell.source.splitlines() if line.strip() not in (BEGIN, END)) + "\n"
        for cell in source.cells
        if _is_solution(cell)
    }


def _is_solution(cell: nbformat.NotebookNode) -> bool:
    return cell.cell_type == "code" and bool(cell.metadata.get("nbgrader", {}).get("solution"))


def fill_solutions(nb: nbformat.NotebookNode, answers: Mapping[str, str]) -> nbformat.NotebookNode:
    """Put `answers` (grade_id -> code) into the matching solution cells of `nb`, in place."""
    for cell in nb.cells:
        if _is_solution(cell) and cell.metadata["nbgrader"]["grade_id"] in answers:
            cell.source = answers[cell.metadata["nbgrader"]["grade_id"]]
    return nb


def answers_for(course: Course, assignment: str, profile: str) -> dict[str, str]:
    """The code a student of this profile writes into each solution cell."""
    if profile not in PROFILES.get(assignment, ()):
        known = ", ".join(PROFILES.get(assignment, ())) or "none"
        raise ValueError(f"no simulated profile {profile!r} for {assignment} (known: {known})")
    if profile == "blank":
        return {}
    answers = solution_cells(course, assignment)
    for grade_id, edits in MISTAKES[assignment].get(profile, {}).items():
        for old, new in edits:
            if old not in answers[grade_id]:
                raise ValueError(f"profile {profile!r}: {old!r} is not in the solution of {grade_id} "
                                 f"in {course.source_notebook(assignment)}")
            answers[grade_id] = answers[grade_id].replace(old, new, 1)
    return answers


def make_submission(course: Course, assignment: str, profile: str, student_id: str) -> nbformat.NotebookNode:
    """The release notebook as a student of `profile` hands it in.

    The profile and student are recorded in the notebook metadata (graders ignore it) so that
    demo reports and benchmarks can compare scores with the expected ones.
    """
    answers = answers_for(course, assignment, profile)
    nb = fill_solutions(nbformat.read(course.release_notebook(assignment), as_version=4), answers)
    nb.metadata["simulated"] = {"student": student_id, "profile": profile}
    return nb
