"""Precision and recall of the flagged pairs on evaluation classes of 20 and 200 students.

The classes (tests/similarity_classes.py) hold 22 independent correct solutions in different
styles, planted copies of them (verbatim, renamed, reordered, commented, all three, partial,
combined) and, at 200, students whose answers are the instructor's. The measured tables
(written to $SIMILARITY_EVAL_TABLE if set, for docs/similarity.md) are checked against what the
defaults promise: every planted copy flagged with a work it copies, no independent pair flagged.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import similarity_classes as classes

from grucourse.course import Course
from grucourse.gru import reference
from grucourse.similarity import planted
from grucourse.similarity.detect import Pair, rank
from grucourse.similarity.fingerprints import Document
from grucourse.similarity.settings import Options
from grucourse.similarity.sources import collect

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow  # fingerprints classes of 20 and 200 notebooks
SIZES = (20, 200)
THRESHOLDS = (0.4, 0.45, 0.5, 0.55, 0.6)
MIN_SHARED = (120, 140, 170, 200, 230)
COMMON = ((2, 0.02), (4, 0.05), (10, 0.05), (10, 0.1), (10**9, 1.0))  # (common_min, common_share)


@dataclass
class Measured:
    """A class, its ranked pairs by student pair, its planted and independent pairs."""

    evaluation: classes.EvaluationClass
    documents: list[Document]
    pairs: dict[frozenset[str], Pair]
    planted: dict[frozenset[str], str]
    independent: list[frozenset[str]]

    def flagged(self, key: frozenset[str], options: Options) -> bool:
        pair = self.pairs.get(key)
        return pair is not None and options.flags(pair)

    def copies_found(self, options: Options) -> dict[str, bool]:
        """Each planted copy: flagged with at least one work it copies."""
        found: dict[str, bool] = {}
        for key in self.planted:
            copy = next(s for s in key if self.evaluation.kinds[s] not in ("independent", classes.INSTRUCTOR))
            found[copy] = found.get(copy, False) or self.flagged(key, options)
        return found

    def counts(self, options: Options) -> tuple[int, int, int]:
        """Flagged planted pairs, flagged pairs of unrelated students, all flagged pairs."""
        flagged = [key for key in self.pairs if self.flagged(key, options)]
        unrelated = set(self.independent)
        return (sum(key in self.planted for key in flagged), sum(key in unrelated for key in flagged), len(flagged))


def measure(root: Path, evaluation: classes.EvaluationClass, assignment: str = classes.ASSIGNMENT) -> Measured:
    release, source = planted.course_notebooks(Course.at(REPO), assignment)
    course = planted.write_course(root, assignment, release, source, evaluation.submissions)
    documents = collect(course, assignment, [], Options().settings).documents
    planted_pairs, independent = evaluation.pairs()
    return Measured(evaluation, documents, _ranked(documents, Options()), planted_pairs, independent)


def _ranked(documents: list[Document], options: Options) -> dict[frozenset[str], Pair]:
    return {frozenset((p.a.label, p.b.label)): p for p in rank(documents, options)}


@pytest.fixture(scope="module")
def measured(tmp_path_factory) -> dict[int, Measured]:
    return {size: measure(tmp_path_factory.mktemp(f"class{size}"), classes.build(Course.at(REPO), size))
            for size in SIZES}


@pytest.fixture(scope="module")
def near_instructor(tmp_path_factory) -> list[Pair | None]:
    """Whole copies of the two solutions that are nearly the instructor's, in the class of 20."""
    evaluation = classes.build(Course.at(REPO), 20)
    release, _ = planted.course_notebooks(Course.at(REPO), classes.ASSIGNMENT)
    sources = classes.independent_sources()
    for name in classes.NEAR_INSTRUCTOR:
        evaluation.add(f"copy_of_{name}", planted.fill_template(release, sources[name]), {name}, "verbatim")
    result = measure(tmp_path_factory.mktemp("near"), evaluation)
    return [result.pairs.get(frozenset((f"copy_of_{name}", name))) for name in classes.NEAR_INSTRUCTOR]


@pytest.fixture(scope="module")
def bptt(tmp_path_factory) -> Measured:
    return measure(tmp_path_factory.mktemp("bptt"), classes.build_bptt(Course.at(REPO)), classes.BPTT)


def _fraction(part: int, whole: int) -> str:
    return f"{part} / {whole}" + (f" ({part / whole:.2f})" if whole else "")


def bptt_table(m: Measured) -> str:
    options = Options()
    found = m.copies_found(options)
    same = [m.pairs.get(frozenset(pair)) for pair in classes.BPTT_SAME_WORK.items()]
    strongest = max((p.max for key in m.independent if (p := m.pairs.get(key))), default=0.0)
    return (f"gru_bptt, {len(m.evaluation.submissions)} students: planted copies flagged "
            f"{sum(found.values())} / {len(found)}; independent pairs flagged "
            f"{m.counts(options)[1]} / {len(m.independent)} (highest share {strongest:.2f}); the one work in two "
            f"styles: {', '.join(f'{p.max:.2f} of {p.shared} characters, flagged {options.flags(p)}' for p in same if p)}.\n")


def tables(measured: dict[int, Measured], near: list[Pair | None]) -> str:
    options = Options()
    lines = [f"Default settings: threshold {options.threshold}, min_shared {options.min_shared}, common above "
             f"max({options.common_min}, {options.common_share} x documents).", "",
             "| class | planted copies flagged | planted pairs flagged (recall) | flagged pairs that are copies "
             "(precision) | independent pairs flagged |", "| --- | --- | --- | --- | --- |"]
    for size, m in measured.items():
        found = m.copies_found(options)
        planted_hits, unrelated_hits, flagged = m.counts(options)
        lines.append(f"| {size} | {_fraction(sum(found.values()), len(found))} | {_fraction(planted_hits, len(m.planted))} | "
                     f"{_fraction(flagged - unrelated_hits, flagged)} | {unrelated_hits} / {len(m.independent)} |")
    lines += ["", "| class | kind | copies flagged | weakest pair with its source: share, shared characters |",
              "| --- | --- | --- | --- |"]
    for size, m in measured.items():
        found = m.copies_found(options)
        for kind in dict.fromkeys(m.planted.values()):
            copies = {c for c in found if m.evaluation.kinds[c] == kind}
            best = {}
            for key, k in m.planted.items():
                if k == kind and (pair := m.pairs.get(key)) is not None:
                    copy = next(iter(key & copies))
                    best[copy] = max(best.get(copy, (0.0, 0)), (pair.max, pair.shared))
            weakest = min(best.values(), default=(0.0, 0))
            lines.append(f"| {size} | {kind} | {sum(found[c] for c in copies)} / {len(copies)} | "
                         f"{weakest[0]:.2f}, {weakest[1]} |")
        strongest = max(((p.max, p.shared) for key in m.independent if (p := m.pairs.get(key))), default=(0.0, 0))
        by_share = max(((p.max, p.shared) for key in m.independent if (p := m.pairs.get(key)) and p.shared >= options.min_shared),
                       default=(0.0, 0))
        by_shared = max(((p.shared, p.max) for key in m.independent if (p := m.pairs.get(key)) and p.max >= options.threshold),
                        default=(0, 0.0))
        lines.append(f"| {size} | independent pairs | - | highest share {strongest[0]:.2f} ({strongest[1]} characters); "
                     f"highest share with >= {options.min_shared} shared {by_share[0]:.2f}; most shared with share >= "
                     f"{options.threshold} {by_shared[0]} |")
    lines += ["", "| threshold \\ min_shared | " + " | ".join(str(s) for s in MIN_SHARED) + " |",
              "| --- |" + " --- |" * len(MIN_SHARED)]
    for threshold in THRESHOLDS:
        cells = []
        for min_shared in MIN_SHARED:
            sweep = Options(threshold=threshold, min_shared=min_shared)
            missed = sum(not f for m in measured.values() for f in m.copies_found(sweep).values())
            false = sum(m.counts(sweep)[1] for m in measured.values())
            cells.append(f"{missed} missed, {false} false")
        lines.append(f"| {threshold} | " + " | ".join(cells) + " |")
    lines += ["", "| common above max(common_min, common_share x documents) | missed copies | independent pairs flagged |",
              "| --- | --- | --- |"]
    for common_min, common_share in COMMON:
        sweep = Options(common_min=common_min, common_share=common_share)
        missed = false = 0
        for m in measured.values():
            again = Measured(m.evaluation, m.documents, _ranked(m.documents, sweep), m.planted, m.independent)
            missed += sum(not f for f in again.copies_found(sweep).values())
            false += again.counts(sweep)[1]
        label = "nothing is common (no weighting)" if common_min >= 10**9 else f"max({common_min}, {common_share} x documents)"
        lines.append(f"| {label} | {missed} | {false} |")
    near_rows = ", ".join(f"{p.max:.2f} of {p.shared} characters" if p else "no shared code" for p in near)
    lines += ["", f"Whole copies of {' and '.join(classes.NEAR_INSTRUCTOR)} (nearly the instructor's answers): "
              f"flagged {sum(bool(p and options.flags(p)) for p in near)} / {len(near)} ({near_rows})."]
    return "\n".join(lines) + "\n"


def test_write_tables(measured, near_instructor, bptt):
    table = tables(measured, near_instructor) + "\n" + bptt_table(bptt)
    target = os.environ.get("SIMILARITY_EVAL_TABLE")
    if target:
        Path(target).write_text(table)
    print(table)
    assert "| 200 |" in table


@pytest.mark.parametrize("size", SIZES)
def test_every_planted_copy_is_flagged_with_a_work_it_copies(measured, size):
    m = measured[size]
    found = m.copies_found(Options())
    assert len(found) >= 7 and set(m.evaluation.kinds[c] for c in found) >= {
        "verbatim", "renamed", "reordered", "commented", "renamed+commented+reordered", "partial", "combined"}
    assert [copy for copy, hit in found.items() if not hit] == []


@pytest.mark.parametrize("size", SIZES)
def test_no_independent_pair_is_flagged(measured, size):
    m = measured[size]
    assert len(m.evaluation.submissions) == size
    assert len(m.independent) > size * (size - 1) // 2 * 0.9
    assert [sorted(key) for key in m.independent if m.flagged(key, Options())] == []


@pytest.mark.parametrize("name", sorted(classes.independent_sources()))
def test_every_independent_solution_is_correct(name):
    """Each style is a working GRU: stable sigmoid, gates and states equal to the reference."""
    namespace: dict = {"np": np}  # the release notebook imports numpy in a cell of its own
    exec(compile(classes.independent_sources()[name], name, "exec"), namespace)
    rng = np.random.default_rng(1)
    T, n, d, h = 5, 3, 4, 6
    params = reference.init_params(d, h, rng)
    X, H0 = rng.standard_normal((T, n, d)), rng.standard_normal((n, h))
    with np.errstate(over="raise"):
        assert np.allclose(namespace["sigmoid"](np.array([-1000.0, -3.0, 0.0, 3.0, 1000.0])),
                           reference.sigmoid(np.array([-1000.0, -3.0, 0.0, 3.0, 1000.0])))
    Z = rng.random((n, h))
    assert np.allclose(namespace["hidden_state"](H0, Z, np.tanh(X[0] @ params["W_h"])),
                       reference.hidden_state(H0, Z, np.tanh(X[0] @ params["W_h"])))
    gates = {"r": namespace["reset_gate"], "z": namespace["update_gate"]}
    for letter, gate in gates.items():
        args = (X[0], H0, params[f"W_{letter}"], params[f"U_{letter}"], params[f"b_{letter}"])
        assert np.allclose(gate(*args), getattr(reference, gate.__name__)(*args))
    assert np.allclose(namespace["gru_forward"](X, H0, params), reference.gru_forward(X, H0, params))


def test_gru_bptt_copies_are_flagged_and_independent_styles_are_not(bptt):
    options = Options()
    assert [copy for copy, hit in bptt.copies_found(options).items() if not hit] == []
    assert [sorted(key) for key in bptt.independent if bptt.flagged(key, options)] == []
    for pair in classes.BPTT_SAME_WORK.items():  # one work in two styles is listed too
        assert bptt.flagged(frozenset(pair), options)


def test_independent_solutions_share_code_that_does_not_flag(measured):
    """The class is a real test: independent styles do converge (the settings must not be moot)."""
    m = measured[20]
    shares = [m.pairs[key].max for key in m.independent if key in m.pairs]
    assert len(shares) > 40 and max(shares) > 0.5
