"""Synthetic classes with planted copies, to measure what the detector finds and misses.

A submission is built by filling the function cells of a template notebook with a solution's
definitions, as a student would. Copies are made the ways copies are disguised: renamed
variables, reordered functions, added comments, one function transplanted into other work.
"""
from __future__ import annotations

import ast
import copy
import random
import re
from collections.abc import Sequence
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell

from grucourse.course import Course
from grucourse.gru.reference import GRU_GATES_API as GRU_GATES_FUNCTIONS

_DEF = re.compile(r"^def (\w+)\(", re.MULTILINE)
STUB = "    # YOUR CODE HERE\n    raise NotImplementedError()"


def _segment(source: str, node: ast.AST, padded: bool = False) -> str:
    """The node's source text ("" for a node ast cannot place, which parsed source never has)."""
    return ast.get_source_segment(source, node, padded=padded) or ""


def definitions(source: str, api: Sequence[str] = GRU_GATES_FUNCTIONS) -> tuple[dict[str, ast.FunctionDef], str]:
    """Top-level functions of the student API by name, and the remaining top-level code
    (imports, helpers)."""
    tree = ast.parse(source)
    functions, rest = {}, []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in api:
            functions[node.name] = node
        else:
            rest.append(_segment(source, node, padded=True))
    return functions, "\n\n\n".join(rest)


def _body(source: str, node: ast.FunctionDef) -> str:
    """The function's statements, without its docstring (the template's stub keeps its own)."""
    body = node.body[1:] if len(node.body) > 1 and ast.get_docstring(node) is not None else node.body
    lines = source.splitlines()
    return "\n".join(lines[body[0].lineno - 1:node.end_lineno])


def fill_template(template: nbformat.NotebookNode, source: str, rng: random.Random | None = None) -> nbformat.NotebookNode:
    """The template with each stub's body replaced by the solution's, keeping the given signature
    and docstring; with rng, whole definitions land in shuffled cells (functions reordered)."""
    notebook = copy.deepcopy(template)
    stubs = [cell for cell in notebook.cells if cell.cell_type == "code" and STUB in cell.source]
    names = [match.group(1) for cell in stubs if (match := _DEF.search(cell.source))]
    functions, rest = definitions(source, names)
    if rng is not None:
        rng.shuffle(names)
    for cell, name in zip(stubs, names, strict=True):
        node = functions.get(name)
        if node is None:
            continue
        if rng is None:
            cell.source = cell.source.replace(STUB, _body(source, node))
        else:
            cell.source = _segment(source, node)
    if rest.strip() and stubs:
        notebook.cells.insert(notebook.cells.index(stubs[0]), new_code_cell(rest))
    return notebook


class _Renamer(ast.NodeTransformer):
    """Renames parameters and local variables of functions, keeping globals and calls intact."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.mapping: dict[str, str] = {}

    def _new_name(self, name: str) -> str:
        if name not in self.mapping:
            self.mapping[name] = f"{self.rng.choice('abcdefghkmpqstuvwxy')}{len(self.mapping)}_{self.rng.randrange(100)}"
        return self.mapping[name]

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        for arg in node.args.args:
            arg.arg = self._new_name(arg.arg)
        local = {t.id for n in ast.walk(node) if isinstance(n, (ast.Assign, ast.For, ast.AugAssign))
                 for t in ast.walk(n.targets[0] if isinstance(n, ast.Assign) else n.target)
                 if isinstance(t, ast.Name)}
        for name in sorted(local):
            self._new_name(name)
        self.generic_visit(node)
        return node

    def visit_Name(self, node: ast.Name) -> ast.Name:
        if node.id in self.mapping:
            node.id = self.mapping[node.id]
        return node

    def visit_keyword(self, node: ast.keyword) -> ast.keyword:
        self.generic_visit(node)
        if node.arg in self.mapping:
            node.arg = self.mapping[node.arg]
        return node


def rename_variables(source: str, rng: random.Random) -> str:
    """Every parameter and local variable gets a new name (reformatted by ast.unparse)."""
    return ast.unparse(_Renamer(rng).visit(ast.parse(source)))


def reorder_functions(source: str, rng: random.Random) -> str:
    """Top-level statements shuffled, imports kept first."""
    tree = ast.parse(source)
    imports = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    others = [n for n in tree.body if n not in imports]
    rng.shuffle(others)
    return "\n\n\n".join(_segment(source, n, padded=True) for n in imports + others)


_COMMENTS = (
    "# compute the gate", "# apply the nonlinearity", "# see lecture notes", "# row-vector convention",
    "# loop over time", "# shapes: (n, h)", "# TODO tidy up", "# checked against the tests",
)


def add_comments(source: str, rng: random.Random, rate: float = 0.5) -> str:
    """Comment lines inserted before about `rate` of the lines, indented like them."""
    out = []
    for line in source.splitlines():
        if line.strip() and rng.random() < rate:
            indent = line[: len(line) - len(line.lstrip())]
            out.append(indent + rng.choice(_COMMENTS))
        out.append(line)
    return "\n".join(out) + "\n"


def transplant(source: str, donor: str, name: str) -> str:
    """`source` with its definition of `name` replaced by the donor's."""
    own, _ = definitions(source)
    theirs, _ = definitions(donor)
    return source.replace(_segment(source, own[name]), _segment(donor, theirs[name]))


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def copy_functions(source: str, donor: str, names: list[str]) -> str:
    """`source` with the donor's definitions of `names`, and the donor's helpers they use."""
    for name in names:
        source = transplant(source, donor, name)
    used = set().union(*(_names(node) for node in definitions(donor)[0].values() if node.name in names))
    mine = {getattr(node, "name", None) for node in ast.parse(source).body}
    helpers = [_segment(donor, node) for node in ast.parse(donor).body
               if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in used - mine]
    return "\n\n\n".join([source.rstrip(), *[h for h in helpers if h]]) + "\n"


def longest_functions(source: str, count: int) -> list[str]:
    """The names of the source's `count` longest GRU functions (most of its own code)."""
    functions, _ = definitions(source)
    size = {name: len(_segment(source, node)) for name, node in functions.items()}
    return sorted(size, key=lambda name: -size[name])[:count]


def mutated_class(bases: dict[str, str], size: int, seed: int = 0) -> dict[str, str]:
    """`size` solutions, each a base with about half the time one function taken from another
    base, variables renamed, and comments added (a stress test: most pairs are related)."""
    rng = random.Random(seed)
    names = sorted(bases)
    solutions = {}
    for index in range(size):
        source = bases[rng.choice(names)]
        if rng.random() < 0.5:
            source = transplant(source, bases[rng.choice(names)], rng.choice(GRU_GATES_FUNCTIONS))
        if rng.random() < 0.5:
            source = rename_variables(source, rng)
        if rng.random() < 0.5:
            source = add_comments(source, rng, rate=0.3)
        solutions[f"student{index:04d}"] = source
    return solutions


def course_notebooks(repo: Course, assignment: str) -> tuple[nbformat.NotebookNode, nbformat.NotebookNode]:
    """The released template and the instructor's solution notebook of a course."""
    return (nbformat.read(repo.release_notebook(assignment), as_version=4),
            nbformat.read(repo.source_notebook(assignment), as_version=4))


def write_course(
    root: Path, assignment: str, release: nbformat.NotebookNode, source: nbformat.NotebookNode,
    submissions: dict[str, nbformat.NotebookNode],
) -> Course:
    """A course directory in nbgrader's layout holding the given notebooks."""
    course = Course.at(root)
    notebooks = {course.release_notebook(assignment): release, course.source_notebook(assignment): source}
    notebooks.update({course.submission(student, assignment): nb for student, nb in submissions.items()})
    for path, notebook in notebooks.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, path)
    return course
