"""Similarity report: normalisation, planted copies, independent solutions, robustness, output."""
from __future__ import annotations

import csv
import io
import json
import random
import re
from pathlib import Path

import numpy as np
import pytest
from copydetect import CodeFingerprint, compare_files
from hypothesis import given, settings
from hypothesis import strategies as st

from grucourse.cli import main
from grucourse.course import Course
from grucourse.gru import reference
from grucourse.similarity import planted
from grucourse.similarity.code import code_cells, student_cells
from grucourse.similarity.compare import shared_regions
from grucourse.similarity.detect import rank
from grucourse.similarity.fingerprints import boilerplate_hashes, document
from grucourse.similarity.overlap import _runs, overlaps
from grucourse.similarity.report import UNFLAGGED_SHOWN, summary
from grucourse.similarity.run import similarity_report
from grucourse.similarity.settings import Options, Settings
from grucourse.similarity.sources import collect

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "test_similarity_data"
INDEPENDENT = {p.stem: p.read_text() for p in sorted((DATA / "independent").glob("*.py"))}
ASSIGNMENT = "gru_gates"
BASE, RECIPIENT = "dana", "goran"


def planted_copies(rng: random.Random) -> dict[str, tuple[str, bool]]:
    """Disguised copies of BASE: name -> (source, functions shuffled across cells)."""
    base = INDEPENDENT[BASE]
    return {
        "verbatim": (base, False),
        "renamed": (planted.rename_variables(base, rng), False),
        "reordered": (base, True),
        "commented": (planted.add_comments(base, rng), False),
        "renamed_commented_reordered": (planted.add_comments(planted.rename_variables(base, rng), rng), True),
        "one_function_gru_forward": (planted.transplant(INDEPENDENT[RECIPIENT], base, "gru_forward"), False),
        "one_function_sigmoid": (planted.transplant(INDEPENDENT[RECIPIENT], base, "sigmoid"), False),
    }


EVERYTHING_COUNTS = 10**9  # max_frequency: no k-gram is common
NO_BOILERPLATE = np.array([], dtype=np.int64)


def _fingerprint(label: str, code: str, boilerplate: np.ndarray = NO_BOILERPLATE):
    return document(label, Path(label), [code], Settings(), boilerplate)


def _copydetect(code: str, boilerplate: np.ndarray = NO_BOILERPLATE) -> CodeFingerprint:
    return CodeFingerprint("x.py", 25, 1, boilerplate=boilerplate, language="python", fp=io.StringIO(code))


def _similarity(code_a: str, code_b: str) -> tuple[float, float]:
    overlap = overlaps([_fingerprint("a", code_a), _fingerprint("b", code_b)], 25, EVERYTHING_COUNTS)
    return overlap.similarity[0, 1], overlap.similarity[1, 0]


# --- normalisation: what a copier changes must not hide the copy ---------------------------

def test_comments_blank_lines_and_indentation_are_ignored():
    code = INDEPENDENT[BASE]
    disguised = planted.add_comments(code, random.Random(3), rate=0.8).replace("\n\n", "\n\n\n\n")
    assert disguised != code
    assert _similarity(code, disguised) == (1.0, 1.0)


def test_renamed_variables_keep_most_fingerprints():
    code = INDEPENDENT[BASE]
    renamed = planted.rename_variables(code, random.Random(4))
    assert "H_prev" not in renamed  # the disguise really renamed
    assert min(_similarity(code, renamed)) >= 0.8


def test_reordered_functions_keep_most_fingerprints():
    code = INDEPENDENT[BASE]
    rng = random.Random(5)
    reordered = planted.reorder_functions(code, rng)
    assert [m for m in re.findall(r"^def (\w+)", reordered, re.M)] != [m for m in re.findall(r"^def (\w+)", code, re.M)]
    assert min(_similarity(code, reordered)) >= 0.9


def test_unrelated_code_shares_nothing():
    assert _similarity(INDEPENDENT[BASE], "import json\n\nprint(json.dumps({'a': [1, 2, 3]}, indent=4))\n") == (0.0, 0.0)


def test_boilerplate_is_not_counted():
    template = "def reset_gate(X_t, H_prev, W_r, U_r, b_r):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"
    boilerplate = boilerplate_hashes([template], Settings())
    docs = [_fingerprint(name, template, boilerplate) for name in ("a", "b")]
    assert overlaps(docs, 25, EVERYTHING_COUNTS).similarity.max() == 0.0


def test_boilerplate_removes_exactly_its_k_grams():
    code = INDEPENDENT[BASE]
    template = "def sigmoid(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"
    given = "\n".join(code.splitlines()[:8])  # the first lines of the solution, as a template cell
    boilerplate = boilerplate_hashes([template, given], Settings())
    whole, kept = _fingerprint("a", code), _fingerprint("a", code, boilerplate)
    assert 0 < len(kept.hashes) < len(whole.hashes)
    assert set(kept.hashes.tolist()) == set(whole.hashes.tolist()) - set(boilerplate.tolist())
    assert len(kept.hashes) == int((~np.isin(whole.hashes, boilerplate)).sum())  # repeated k-grams too


def test_no_k_gram_straddles_two_cells():
    """A k-gram made of the end of one cell and the start of the next is in no template cell:
    hashing cells apart keeps it out, so a notebook of template cells has no k-gram left."""
    cells = ["import numpy as np", "def f(x):\n    return np.tanh(x)", "print(f(np.arange(3)))"]
    boilerplate = boilerplate_hashes(cells, Settings())
    doc = document("a", Path("a"), cells, Settings(), boilerplate)
    assert len(doc.hashes) == 0
    joined = document("b", Path("b"), ["\n\n".join(cells)], Settings(), boilerplate)
    assert len(joined.hashes) > 0  # what one text for the whole notebook would have left


# --- the vectorised all-pairs stage is copydetect's comparison -----------------------------

def test_overlap_equals_copydetect_compare_files():
    """Without boilerplate: copydetect 0.5.0 removes boilerplate with np.intersect1d(...,
    assume_unique=True) on hashes that repeat, which drops k-grams that are not boilerplate (see
    test_boilerplate_removes_exactly_its_k_grams for ours)."""
    sources = {**INDEPENDENT, **planted.mutated_class(INDEPENDENT, 12, seed=7)}
    docs = [_fingerprint(name, code) for name, code in sources.items()]
    theirs = [_copydetect(code) for code in sources.values()]
    fast = overlaps(docs, 25, EVERYTHING_COUNTS).similarity
    for i, a in enumerate(theirs):
        for j, b in enumerate(theirs[i + 1:], start=i + 1):
            _, (sim_a, sim_b), _ = compare_files(a, b)
            assert (fast[i, j], fast[j, i]) == pytest.approx((sim_a, sim_b), abs=1e-12), (docs[i].label, docs[j].label)
    assert fast.max() == 1.0 and 0 < np.median(fast[fast > 0]) < 1  # a mix, not a degenerate corpus


_LINES = st.sampled_from([
    "x = np.tanh(a @ b + c)", "y = sigmoid(x)", "for t in range(T):", "    h = step(h, X[t])",
    "out.append(h)", "return np.stack(out)", "z = 1.0 / (1.0 + np.exp(-x))", "H[t] = h", "p = params",
])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(_LINES, min_size=1, max_size=25), min_size=2, max_size=5))
def test_overlap_equals_copydetect_on_random_documents(documents):
    codes = ["\n".join(lines) for lines in documents]
    fast = overlaps([_fingerprint(str(i), code) for i, code in enumerate(codes)], 25, EVERYTHING_COUNTS).similarity
    theirs = [_copydetect(code) for code in codes]
    for i, a in enumerate(theirs):
        for j, b in enumerate(theirs):
            if i < j:
                _, (sim_a, sim_b), _ = compare_files(a, b)
                assert (fast[i, j], fast[j, i]) == pytest.approx((sim_a, sim_b), abs=1e-12)


def test_code_cells_drop_ipython_lines_and_accept_line_lists(tmp_path):
    notebook = {"cells": [
        {"cell_type": "code", "source": ["%timeit f()\n", "x = 1\n", "!pip install numpy\n"]},
        {"cell_type": "markdown", "source": "x = 2"},
        {"cell_type": "code", "source": "%%time"},
        {"cell_type": "code", "source": "y = 3"},
    ], "nbformat": 4, "nbformat_minor": 5, "metadata": {}}
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps(notebook))
    assert code_cells(path) == ["x = 1", "y = 3"]
    assert student_cells(path, ["y = 3"]) == ["x = 1"]


@pytest.mark.parametrize("seed", range(5))
def test_runs_longest_and_count(seed):
    rows = np.random.default_rng(seed).random((20, 60)) < 0.7
    runs = [[len(run) for run in "".join("x" if v else " " for v in row).split()] for row in rows]
    longest, count = _runs(rows)
    assert longest.tolist() == [max(r, default=0) for r in runs]
    assert count.tolist() == [len(r) for r in runs]


# --- a class with planted copies and independent solutions ---------------------------------

@pytest.fixture(scope="module")
def notebooks():
    return planted.course_notebooks(Course.at(REPO), ASSIGNMENT)


@pytest.fixture(scope="module")
def class_course(tmp_path_factory, notebooks):
    release, source = notebooks
    rng = random.Random(11)
    submissions = {name: planted.fill_template(release, code) for name, code in INDEPENDENT.items()}
    for name, (code, shuffled) in planted_copies(rng).items():
        submissions[name] = planted.fill_template(release, code, rng if shuffled else None)
    submissions["blank1"] = release  # handed in untouched
    submissions["blank2"] = release
    course = planted.write_course(tmp_path_factory.mktemp("course"), ASSIGNMENT, release, source, submissions)
    bad = {
        "corrupt": b'{"cells": [',
        "latin1": '{"cells": [], "note": "caf\u00e9"}'.encode("latin-1"),
        "not_a_notebook": json.dumps([1, 2, 3]).encode(),
        "many_cells": _notebook_bytes(["x = 1"] * 2500),
        "huge_cell": _notebook_bytes(["x = 1\n" * 40_000]),
        "deep": b'{"cells": [], "nbformat": 4, "metadata": ' + b'{"a": ' * 200 + b'1' + b'}' * 201,
    }
    for student, content in bad.items():
        path = course.submission(student, ASSIGNMENT)
        path.parent.mkdir(parents=True)
        path.write_bytes(content)
    linked = course.submission("linked", ASSIGNMENT)  # a link to a file the student cannot read
    linked.parent.mkdir(parents=True)
    linked.symlink_to(course.source_notebook(ASSIGNMENT))
    return course


def _notebook_bytes(sources: list[str]) -> bytes:
    cells = [{"cell_type": "code", "source": source, "metadata": {}, "outputs": [], "execution_count": None}
             for source in sources]
    return json.dumps({"cells": cells, "nbformat": 4, "nbformat_minor": 5, "metadata": {}}).encode()


@pytest.fixture(scope="module")
def outcome(class_course):
    return similarity_report(class_course, ASSIGNMENT)


def _pair(outcome, a: str, b: str):
    return next((row for row in outcome.rows if {row.a, row.b} == {a, b}), None)


WHOLE_COPIES = [c for c in planted_copies(random.Random(0)) if not c.startswith("one_function")]


@pytest.mark.parametrize("copy", WHOLE_COPIES)
def test_planted_copy_is_flagged(outcome, copy):
    row = _pair(outcome, copy, BASE)
    assert row is not None and row.flagged, row
    assert row.page and (outcome.out_dir / row.page).exists()
    assert f"of {row.a}'s own code is in {row.b}" in summary(row) or f"of {row.b}'s own code is in {row.a}" in summary(row)


@pytest.mark.parametrize("copy", ["one_function_gru_forward", "one_function_sigmoid"])
def test_one_copied_function_is_listed_as_a_shared_stretch(outcome, copy):
    """One function alone is as long as what independent students write alike (the evaluation in
    docs/similarity.md): the pair is listed with the function as a shared stretch, for a reader
    who looks, but only whole or large partial copies are flagged."""
    row = _pair(outcome, copy, BASE)
    assert row is not None and row.stretches >= 1 and row.longest_run >= Settings().k


def test_independent_solutions_are_not_flagged(outcome):
    independent = [row for row in outcome.rows if row.a in INDEPENDENT and row.b in INDEPENDENT]
    assert independent, "independent solutions share idioms; some overlap is expected"
    assert [row for row in independent if row.flagged] == []


def test_untouched_templates_share_nothing(outcome):
    assert _pair(outcome, "blank1", "blank2") is None


def test_unreadable_notebooks_are_skipped_and_named(outcome, class_course, capsys):
    problems = {Path(p.path).parents[1].name: p.problem for p in outcome.collection.skipped}
    assert set(problems) == {"corrupt", "latin1", "not_a_notebook", "many_cells", "huge_cell", "deep", "linked"}
    assert "not valid JSON" in problems["corrupt"]
    assert "UTF-8" in problems["latin1"]
    assert "nbformat 4" in problems["not_a_notebook"]
    assert "more than the 2000 a notebook may have" in problems["many_cells"]
    assert "more than the 200000 a cell may have" in problems["huge_cell"]
    assert "nested too deeply" in problems["deep"]
    assert "symbolic link" in problems["linked"]
    assert len(outcome.collection.documents) == len(INDEPENDENT) + len(planted_copies(random.Random(0))) + 2
    similarity_report(class_course, ASSIGNMENT)
    err = capsys.readouterr().err
    assert str(class_course.submission("corrupt", ASSIGNMENT)) in err


def test_the_course_notebook_limits_apply(tmp_path, notebooks):
    release, source = notebooks
    submissions = {name: planted.fill_template(release, INDEPENDENT[name]) for name in ("ana", "ben")}
    course = planted.write_course(tmp_path, ASSIGNMENT, release, source, submissions)
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\nc.NotebookLimits.max_cell_source_chars = 300\n")
    result = similarity_report(course, ASSIGNMENT)
    assert result.collection.documents == [] and len(result.collection.skipped) == 2
    assert all("more than the 300 a cell may have" in p.problem for p in result.collection.skipped)


def test_highlighted_regions_stay_inside_cells(outcome):
    """Every highlighted region lies in one cell: no region runs over a cell boundary."""
    checked = 0
    for pair in rank(outcome.collection.documents, Options()):
        if not Options().flags(pair):
            continue
        for doc, regions in zip((pair.a, pair.b), shared_regions(pair, Settings().k), strict=True):
            ends = doc.raw_starts + np.array([len(cell) for cell in doc.cells])
            for start, end in regions.T:
                cell = int(np.searchsorted(doc.raw_starts, start, side="right")) - 1
                assert doc.raw_starts[cell] <= start < end <= ends[cell], (doc.label, start, end)
                checked += 1
    assert checked > 20


def test_stretches_end_with_their_cell():
    """Two cells both copied are two stretches, as the page shows them, not one."""
    cells = [INDEPENDENT[BASE].split("\n\n\n")[1], INDEPENDENT[BASE].split("\n\n\n")[2]]
    docs = [document(label, Path(label), cells, Settings(), NO_BOILERPLATE) for label in "ab"]
    overlap = overlaps(docs, 25, EVERYTHING_COUNTS)
    assert overlap.similarity[0, 1] == 1.0
    assert overlap.stretches[0, 1] == 2 and overlap.longest_run[0, 1] < docs[0].length


def test_pairs_csv_is_ranked_and_complete(outcome):
    with (outcome.out_dir / "pairs.csv").open() as handle:
        table = list(csv.DictReader(handle))
    assert len(table) == len(outcome.rows) > 0
    keys = [(float(r["max"]), float(r["mean"])) for r in table]
    assert keys == sorted(keys, reverse=True)
    first = table[0]
    assert float(first["max"]) == max(float(first["similarity_a"]), float(first["similarity_b"]))
    assert {r["flagged"] for r in table} == {"True", "False"}


def test_pages_show_highlighted_code_side_by_side_in_neutral_words(outcome):
    index = (outcome.out_dir / "index.html").read_text()
    pages = sorted(outcome.out_dir.glob("pair-*.html"))
    shown = [row for row in outcome.rows if not row.flagged][:UNFLAGGED_SHOWN]
    assert len(pages) == len(outcome.flagged) + len(shown) and all(row.page for row in shown)
    for page in pages:
        assert f'href="{page.name}"' in index
    html = (outcome.out_dir / _pair(outcome, "renamed", BASE).page).read_text()
    left, right = html.split("<pre>")[1:3]
    assert "<mark>" in left and "<mark>" in right
    assert "while" in left and "while" in right  # the base's distinctive loop is shown
    for text in [index, html]:
        assert "not a finding" in text
        assert not re.search(r"plagiar|cheat|guilty|dishonest", text, re.I)
    assert "corrupt" in index  # unreadable files are listed for the reader


def test_rerun_with_stricter_settings_leaves_no_stale_pages(class_course):
    strict = similarity_report(class_course, ASSIGNMENT, options=Options(threshold=0.95))
    assert 0 < len(strict.flagged) < len(INDEPENDENT)
    shown = min(UNFLAGGED_SHOWN, len(strict.rows) - len(strict.flagged))
    assert len(list(strict.out_dir.glob("pair-*.html"))) == len(strict.flagged) + shown
    similarity_report(class_course, ASSIGNMENT)  # restore for other tests reading the directory


def test_subtracting_the_solution_lowers_independent_overlap(class_course):
    def independent_total(subtract: bool) -> float:
        docs = collect(class_course, ASSIGNMENT, [], Settings(), subtract_solution=subtract).documents
        return sum(p.max for p in rank(docs, Options()) if p.a.label in INDEPENDENT and p.b.label in INDEPENDENT)

    assert independent_total(True) < independent_total(False)


def test_archives_are_compared_with_submissions_not_with_each_other(tmp_path, notebooks):
    release, source = notebooks
    archive = tmp_path / "archive2025"
    archive.mkdir()
    (archive / "public_solution.py").write_text(INDEPENDENT[BASE])
    (archive / "same_again.py").write_text(INDEPENDENT[BASE])
    submissions = {"copier": planted.fill_template(release, planted.rename_variables(INDEPENDENT[BASE], random.Random(1))),
                   "other": planted.fill_template(release, INDEPENDENT["emil"])}
    course = planted.write_course(tmp_path / "course", ASSIGNMENT, release, source, submissions)
    result = similarity_report(course, ASSIGNMENT, archives=[archive])
    flagged = {frozenset((row.a, row.b)) for row in result.flagged}
    assert frozenset(("copier", "archive:archive2025/public_solution.py")) in flagged
    assert frozenset(("archive:archive2025/public_solution.py", "archive:archive2025/same_again.py")) not in {
        frozenset((row.a, row.b)) for row in result.rows}


def test_cli_writes_the_report(tmp_path, notebooks, capsys):
    release, source = notebooks
    submissions = {name: planted.fill_template(release, INDEPENDENT[BASE]) for name in ("s1", "s2")}
    course = planted.write_course(tmp_path, ASSIGNMENT, release, source, submissions)
    assert main(["--course", str(tmp_path), "similarity", ASSIGNMENT, "--threshold", "0.9"]) == 0
    out = capsys.readouterr().out
    assert "2 documents compared, 0 skipped, 1 pairs with overlap, 1 listed for review" in out
    assert (course.reports / "similarity" / ASSIGNMENT / "pair-0001.html").exists()
    assert main(["--course", str(tmp_path), "similarity", ASSIGNMENT, "--archive", str(tmp_path / "missing")]) == 2
    assert main(["--course", str(tmp_path), "similarity", "gru_bptt"]) == 1
    assert "no submissions match submitted/*/gru_bptt/gru_bptt.ipynb" in capsys.readouterr().err


# --- the corpus itself: correct solutions, behaviour-preserving disguises ------------------

def _assert_correct(source: str) -> None:
    """The solution's sigmoid is stable and its gru_forward matches the reference GRU."""
    namespace: dict = {}
    exec(compile(source, "<solution>", "exec"), namespace)
    rng = np.random.default_rng(0)
    T, n, d, h = 4, 3, 2, 5
    params = reference.init_params(d, h, rng)
    X, H0 = rng.standard_normal((T, n, d)), rng.standard_normal((n, h))
    with np.errstate(over="raise"):
        assert np.allclose(namespace["sigmoid"](np.array([-1000.0, 0.0, 1000.0])), [0.0, 0.5, 1.0])
    assert np.allclose(namespace["gru_forward"](X, H0, params), reference.gru_forward(X, H0, params))


@pytest.mark.parametrize("name", sorted(INDEPENDENT))
def test_independent_solutions_are_correct(name):
    _assert_correct(INDEPENDENT[name])


@pytest.mark.parametrize("copy", ["renamed", "renamed_commented_reordered", "one_function_gru_forward"])
def test_disguised_copies_still_work(copy):
    code, _ = planted_copies(random.Random(2))[copy]
    _assert_correct(code)
