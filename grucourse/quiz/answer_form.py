"""How a quiz answer is written, judged without the key: one definition for the grader and for
the check cell of every quiz notebook.

`read_answer_cell` finds the literal each answer cell assigns and says what is wrong with one
that is not a literal; `normalise_answer` turns a literal into the form the key is compared with
or says why it cannot be one (not a choice key, not a number ...); `check_answers` is what the
notebook's check cell runs, so `nbgrader validate` names every malformed or missing answer.
These functions are copied verbatim into the quiz notebooks (`check_cell_sources`), so each one
imports what it needs itself and uses nothing else from this module.
"""
from __future__ import annotations

import inspect
from typing import Any


def read_answer_cell(source: str, names: list[str], max_chars: int = 1000) -> tuple[dict, str]:
    """({name: (value, problem)} for each of `names` the cell assigns at top level, the last
    assignment winning; the cell's own problem, "" when it parses). Nothing is executed: values
    come from `ast.literal_eval`. A cell that does not parse is read one assignment at a time, so
    one unreadable answer (a 5000-digit number, an unclosed quote) costs only its own question;
    an answer longer than `max_chars` characters is refused before it is evaluated."""
    import ast
    import re

    def parse(text):
        text = "\n".join("" if re.match(r"\s*[%!]", line) else line for line in text.split("\n"))
        try:
            return ast.parse(text), text, ""
        except (SyntaxError, ValueError, MemoryError, RecursionError) as exc:
            message = getattr(exc, "msg", None) or str(exc) or type(exc).__name__
            if "integer string conversion" in message:
                return None, text, "a number of more than 4300 digits, which no answer needs"
            where = f"line {exc.lineno}: " if isinstance(exc, SyntaxError) and exc.lineno else ""
            return None, text, f"a syntax error ({where}{message})"

    def value(node, text):
        shown = ast.get_source_segment(text, node) or "" if node is not None else ""
        if len(shown) > max_chars:
            return None, (f"the answer is {len(shown)} characters long; an answer is a choice key, "
                          "a list of keys, True/False or a number")
        if isinstance(node, ast.Name):
            return None, f'`{shown}` is a name, write the key in quotes: "{shown}"'
        try:
            return ast.literal_eval(node), ""
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            shown = shown if len(shown) <= 40 else shown[:37] + "..."
            what = f"`{shown}` is a computation" if shown else "this is not a plain assignment"
            return None, (f'{what}; answers must be literal values, e.g. "b" or 0.25 '
                          "(nothing is run when grading: type the value itself)")

    def assigned(statement):
        if isinstance(statement, ast.Assign):
            return [(t.id, statement.value) for t in statement.targets if isinstance(t, ast.Name)]
        if isinstance(statement, (ast.AnnAssign, ast.AugAssign)) and isinstance(statement.target, ast.Name):
            return [(statement.target.id, getattr(statement, "value", None) if isinstance(statement, ast.AnnAssign)
                     else None)]
        return []

    found = {}
    tree, text, problem = parse(source)
    pieces = [(tree, text)]
    if tree is None:
        lines, pieces = source.split("\n"), []
        starts = [0] + [i for i, line in enumerate(lines) if i and re.match(r"[A-Za-z_]\w*\s*(:|=(?!=))", line)]
        for begin, end in zip(starts, starts[1:] + [len(lines)], strict=True):
            piece = "\n".join(lines[begin:end])
            part, part_text, part_problem = parse(piece)
            pieces.append((part, part_text))
            for name in names if part is None else ():
                if re.search(rf"^\s*{re.escape(name)}\s*[:=]", piece, flags=re.MULTILINE):
                    found[name] = (None, f"the line assigning `{name}` has {part_problem}")
    for part, part_text in pieces:
        for statement in part.body if part is not None else ():
            for name, node in assigned(statement):
                if name in names:
                    found[name] = value(node, part_text)
    return found, problem


def normalise_answer(given: Any, kind: str, keys: list[str]) -> tuple[Any, str]:
    """(the answer as the key is written, ""), or (None, what is wrong with its form) for a
    question of type `kind` whose choice keys are `keys`: "B " is "b", ["c", "a"] is {"a", "c"},
    "true" is True, "1_200" is 1200.0."""
    import contextlib
    import math
    import re

    shown = ", ".join(f'"{k}"' for k in keys)
    if given is None:
        return None, "not answered yet (the answer is still None)"
    if kind == "single":
        if isinstance(given, (list, tuple, set)) and len(given) == 1:
            given = next(iter(given))
        if not isinstance(given, str):
            return None, f"give one choice key as a string ({shown}), not {type(given).__name__}"
        if given.strip().lower() not in keys:
            return None, f"{given!r} is not one of the choice keys {shown}"
        return given.strip().lower(), ""
    if kind == "multiple":
        if isinstance(given, str):
            given = [k for k in re.split(r"[\s,]+", given) if k]
        if not isinstance(given, (list, tuple, set)) or not all(isinstance(k, str) for k in given):
            return None, f'give a list of choice keys as strings, like ["a", "c"] (keys: {shown})'
        picked = {k.strip().lower() for k in given}
        unknown = sorted(picked - set(keys))
        if unknown:
            return None, f"{', '.join(map(repr, unknown))} not among the choice keys {shown}"
        return picked, ""
    if kind == "true_false":
        if isinstance(given, str) and given.strip().lower() in ("true", "false"):
            given = given.strip().lower() == "true"
        if not isinstance(given, bool):
            return None, f"answer True or False, not {given!r}"
        return given, ""
    number = None
    if isinstance(given, (int, float)) and not isinstance(given, bool):
        try:
            number = float(given)
        except OverflowError:
            number = math.inf
    elif isinstance(given, str):
        with contextlib.suppress(ValueError):
            number = float(given.strip().replace("_", ""))
    if number is None:
        return None, f"give a number, like 0.25 or 1200, not {given!r}"
    return number, ""


def check_answers(history: list[str], questions: list[tuple[int, str, Any, list[str]]]) -> None:
    """What a quiz notebook's check cell runs over IPython's `In` (the cells run so far, the last
    one assigning an answer counting, as the grader counts the last one in the notebook): prints
    to stderr, which `nbgrader validate` reports, every answer the grader cannot score, one line
    each (wrapped: nbgrader validate cuts lines at 90 columns); says so on stdout when every
    answer is readable. It does not know the key. A question of kind None belongs to a copy
    that was never personalised."""
    import sys
    import textwrap

    problems = []
    for number, question_id, kind, keys in questions:
        name = f"answer_{question_id}"
        value, problem = None, f"no cell assigns `{name}`: was its answer cell deleted?"
        for source in history:
            found, _ = read_answer_cell(source, [name])
            if name in found:
                value, problem = found[name]
        if kind is None:
            problem = "this copy of the quiz is not personalised: fetch the quiz to get your own questions"
        elif not problem:
            _, problem = normalise_answer(value, kind, keys)
        if problem.startswith("not answered"):
            problems.append(f"question {number} ({question_id}) is not answered yet")
        elif problem:
            problems.append(f"question {number} ({question_id}): {problem}")
    if problems:
        lines = [textwrap.fill(p, 76, initial_indent="  ", subsequent_indent="      ") for p in problems]
        print("These answers would score nothing as they are:", *lines, sep="\n", file=sys.stderr)
    else:
        print(f"All {len(questions)} answers are in a form the grader reads (this does not check them).")


def check_cell_sources() -> tuple[str, str]:
    """(the locked cell defining the checker, the graded check cell calling it) of a quiz notebook:
    the same in every student's copy; the questions it checks are listed in the cell before."""
    helpers = "\n\n".join(inspect.getsource(f).rstrip() for f in (read_answer_cell, normalise_answer, check_answers))
    definition = "\n".join([
        "# The answer checker used by the next cell (the grader reads answers the same way).",
        "from typing import Any", "", "",
        helpers,
    ])
    check = ("# Checks that every answer above is written in a form the grader reads (not whether it is\n"
             "# right). Run it before you submit; `nbgrader validate` runs it too.\n"
             "check_answers(In, QUIZ_QUESTIONS)")
    return definition, check
