"""The code a student wrote in a notebook, as one Python text.

Only code cells count: markdown is prose and outputs are computed. Cells left exactly as the
released template gave them are dropped here, so that reports show what the student wrote; code
the template gave inside edited cells is removed later by boilerplate subtraction.

Notebooks are read as plain JSON (nbformat 4 keeps a cell's source as a string or a list of
lines): nbformat's schema validation adds seconds per class and judges nothing we use.
"""
from __future__ import annotations

import json
from pathlib import Path

CELL_SEPARATOR = "\n\n"


class UnreadableNotebook(Exception):
    """A notebook that cannot be parsed; the message names the file and the problem."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


def _python_only(source: str | list[str]) -> str:
    """Drops IPython-only lines (`%timeit`, `!pip`): not Python, and no sign of authorship."""
    text = source if isinstance(source, str) else "".join(source)
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(("%", "!"))).strip()


def code_cells(path: Path) -> list[str]:
    """Sources of the notebook's non-empty code cells, IPython magics removed."""
    try:
        notebook = json.loads(path.read_bytes().decode("utf-8"))
        sources = [_python_only(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"]
    except OSError as exc:
        raise UnreadableNotebook(path, exc.strerror or str(exc)) from exc
    except UnicodeDecodeError as exc:
        raise UnreadableNotebook(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise UnreadableNotebook(path, f"not valid JSON ({exc.msg}, line {exc.lineno} column {exc.colno})") from exc
    except (KeyError, TypeError, AttributeError) as exc:
        raise UnreadableNotebook(path, f"not a notebook in nbformat 4 (missing or malformed {exc})") from exc
    return [source for source in sources if source]


def student_code(path: Path, template_cells: list[str] = ()) -> str:
    """The notebook's code cells that differ from every template cell, joined into one text."""
    given = set(template_cells)
    return CELL_SEPARATOR.join(cell for cell in code_cells(path) if cell not in given)
