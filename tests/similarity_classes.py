"""Evaluation classes for the similarity report: independent work, planted copies, and students
whose answers are the instructor's solution.

Independent work: every correct gru_gates solution written from scratch, each by itself, under
tests/test_similarity_data/independent, tests/independent/gru_gates and
tests/similarity_corpus/gru_gates (22 styles: loops, einsum, classes, recursion, reduce, scalar
math, transposed algebra, tanh/expit/logaddexp sigmoids...). Planted copies take one or two of
them and disguise them. Each student has the set of works their code comes from; two students
are related (a pair that should be flagged) when those sets meet, the instructor's solution
aside (it is subtracted: matching it is what a correct answer looks like).
"""
from __future__ import annotations

import random
from contextlib import suppress
from dataclasses import dataclass, field
from itertools import cycle
from pathlib import Path

import nbformat

from grucourse.course import Course
from grucourse.similarity import planted
from grucourse.simulate import make_submission, profiles, solution_cells

TESTS = Path(__file__).parent
CORPUS_DIRS = (TESTS / "test_similarity_data" / "independent", TESTS / "independent" / "gru_gates",
               TESTS / "similarity_corpus" / "gru_gates")
ASSIGNMENT = "gru_gates"
INSTRUCTOR = "instructor"
WHOLE = ("verbatim", "renamed", "reordered", "commented", "renamed+commented+reordered")
PARTIAL_FUNCTIONS = 4  # a partial copy takes the donor's four longest functions (of seven)
COMBINED_FUNCTIONS = 3  # a combined copy, three from each of two classmates
# Their own code (what is left once template and instructor's answers are removed) is under 200
# normalised characters, the others' 340 to 750: a part of them is no evidence, and a whole copy
# of them is measured apart (tests/test_similarity_eval.py), not planted in the classes.
NEAR_INSTRUCTOR = ("ana", "plain")


def independent_sources() -> dict[str, str]:
    """Style name -> source of every independent correct solution."""
    sources: dict[str, str] = {}
    for directory in CORPUS_DIRS:
        for path in sorted(directory.glob("*.py")):
            assert path.stem not in sources, f"two independent solutions named {path.stem}"
            sources[path.stem] = path.read_text()
    return sources


@dataclass
class EvaluationClass:
    """Notebooks by student, where each student's code comes from, and what was planted."""

    submissions: dict[str, nbformat.NotebookNode] = field(default_factory=dict)
    origins: dict[str, frozenset[str]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)  # student -> "independent", "instructor" or a copy kind

    def add(self, student: str, notebook: nbformat.NotebookNode, origins: set[str], kind: str) -> None:
        self.submissions[student], self.origins[student], self.kinds[student] = notebook, frozenset(origins), kind

    def related(self, a: str, b: str) -> bool:
        """Both hold code of one independent work (the instructor's answers aside)."""
        return bool((self.origins[a] & self.origins[b]) - {INSTRUCTOR})

    def planted(self) -> dict[frozenset[str], str]:
        """Each copy paired with each independent work in the class it copies, by copy kind."""
        return {frozenset((copy, source)): kind for copy, kind in self.kinds.items()
                if kind not in ("independent", INSTRUCTOR)
                for source in self.origins[copy] if source in self.submissions}

    def pairs(self) -> tuple[dict[frozenset[str], str], list[frozenset[str]]]:
        """The planted pairs, and the pairs that share no source (independent of each other).
        Pairs left out of both: two copies of one work, which hold the same copied code."""
        students = sorted(self.submissions)
        independent = [frozenset((a, b)) for i, a in enumerate(students) for b in students[i + 1:]
                       if not self.related(a, b)]
        return self.planted(), independent


def _instructor_like(course: Course, release: nbformat.NotebookNode, index: int, rng: random.Random,
                     ) -> nbformat.NotebookNode:
    """A student whose answers are the instructor's, with one typical mistake or none, and,
    for some, renamed variables or added comments (what a student copying the lecture writes)."""
    kinds = [p for p in profiles(course, ASSIGNMENT) if p != "blank"]
    notebook = make_submission(course, ASSIGNMENT, kinds[index % len(kinds)], f"student{index}")
    disguise = index % 3
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution") and disguise:
            with suppress(SyntaxError):  # the syntax-error profile stays as written
                cell.source = (planted.rename_variables(cell.source, rng) if disguise == 1
                               else planted.add_comments(cell.source, rng))
    return notebook


def _whole_copy(release: nbformat.NotebookNode, code: str, kind: str, rng: random.Random) -> nbformat.NotebookNode:
    if "renamed" in kind:
        code = planted.rename_variables(code, rng)
    if "commented" in kind:
        code = planted.add_comments(code, rng)
    return planted.fill_template(release, code, rng if "reordered" in kind else None)


def build(course: Course, size: int, seed: int = 2026) -> EvaluationClass:
    """A class of `size` students (20 or more) built from the course's release and source.

    Size 20: 13 independent students and 7 copies (one of each whole-notebook disguise, one
    partial copy into independent work that is not otherwise in the class, one combined copy:
    the two longest functions of each of two classmates, the instructor's answers for the rest). Larger: every independent work, each copied once in a whole-notebook
    disguise, some partial copies into instructor-like work, some combined copies, and students
    whose answers are the instructor's solution for the rest.
    """
    release, _ = planted.course_notebooks(course, ASSIGNMENT)
    rng = random.Random(seed)
    sources = independent_sources()
    names = sorted(sources)
    rng.shuffle(names)
    out = EvaluationClass()
    small = size < 2 * len(names)
    members = names[:13] if small else names
    for name in members:
        out.add(name, planted.fill_template(release, sources[name]), {name}, "independent")
    donors = [name for name in members if name not in NEAR_INSTRUCTOR]
    whole = donors[:len(WHOLE)] if small else donors
    for number, (donor, kind) in enumerate(zip(whole, cycle(WHOLE))):
        out.add(f"copy{number:02d}_{kind.replace('+', '_')}", _whole_copy(release, sources[donor], kind, rng), {donor}, kind)
    instructor = "\n\n\n".join(solution_cells(course, ASSIGNMENT).values())
    partial_donors = donors[5:6] if small else donors[:6]
    for number, donor in enumerate(partial_donors):
        recipient, origin = (names[13], names[13]) if small else (instructor, INSTRUCTOR)
        code = planted.copy_functions(sources[recipient] if small else recipient, sources[donor],
                                      planted.longest_functions(sources[donor], PARTIAL_FUNCTIONS))
        out.add(f"partial{number:02d}", planted.fill_template(release, code), {donor, origin}, "partial")
    pairs = [(donors[6], donors[7])] if small else list(zip(donors[6:16:2], donors[7:16:2], strict=True))
    for number, (first, second) in enumerate(pairs):
        from_first = planted.longest_functions(sources[first], COMBINED_FUNCTIONS)
        from_second = [f for f in planted.longest_functions(sources[second], 7) if f not in from_first][:COMBINED_FUNCTIONS]
        code = planted.copy_functions(planted.copy_functions(instructor, sources[first], from_first),
                                      sources[second], from_second)
        out.add(f"combined{number:02d}", planted.fill_template(release, code), {first, second, INSTRUCTOR}, "combined")
    index = 0
    while len(out.submissions) < size:
        out.add(f"student{index:03d}", _instructor_like(course, release, index, rng), {INSTRUCTOR}, INSTRUCTOR)
        index += 1
    assert len(out.submissions) == size, (size, len(out.submissions))
    return out


BPTT = "gru_bptt"
BPTT_STYLES = TESTS / "independent" / "gru_bptt"
# namedtuple_results is plain_recompute with named tuples returned (diff the two files): one
# work in two styles, not independent of each other.
BPTT_SAME_WORK = {"namedtuple_results": "plain_recompute"}


def build_bptt(course: Course, seed: int = 2026) -> EvaluationClass:
    """The gru_bptt styles of tests/independent/ and one whole-notebook copy of five of them."""
    release, _ = planted.course_notebooks(course, BPTT)
    rng = random.Random(seed)
    sources = {path.stem: path.read_text() for path in sorted(BPTT_STYLES.glob("*.py"))}
    out = EvaluationClass()
    for name, code in sources.items():
        out.add(name, planted.fill_template(release, code), {BPTT_SAME_WORK.get(name, name)}, "independent")
    donors = [name for name in sources if name not in BPTT_SAME_WORK]
    for number, (donor, kind) in enumerate(zip(donors[:len(WHOLE)], WHOLE, strict=True)):
        out.add(f"copy{number:02d}_{kind.replace('+', '_')}", _whole_copy(release, sources[donor], kind, rng),
                {donor}, kind)
    return out

