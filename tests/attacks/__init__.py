"""The attack corpus: student code that tries to cheat, crash, exhaust or escape the judge.

Each `snippets/<name>.py` is pasted verbatim as the student's code into a gru_gates notebook.
Its docstring is the attack's description, followed by `key: value` fields:

* `category`: cheat | crash | resource | escape | control (controls are honest code)
* `placement`: which solution cell receives the code, `first` or `last` (default)
* `naive_check`: Python run after the snippet in the same interpreter; it raises for a blank
  notebook and passes once the attack ran, showing the attack beats in-kernel grading
* `pidns_only`: the attack only fires inside a PID namespace (it signals every process)
* `extends`: another snippet prepended to this one

Placeholders inside string literals are filled in per run so snippets stay valid Python:
`__API__` (comma-separated student function names), `__MARK__` (unique token carried by every
file and process an attack creates), `__COURSE__`, `__REPO__`, `__PORT__` (a listener the test owns).
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

SNIPPETS = Path(__file__).parent / "snippets"
GRU_GATES_API = ("sigmoid", "reset_gate", "update_gate", "candidate_hidden_state", "hidden_state",
                 "gru_cell_forward", "gru_forward")


@dataclass(frozen=True)
class Attack:
    name: str
    summary: str
    code: str
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def category(self) -> str:
        return self.fields["category"]

    @property
    def placement(self) -> str:
        return self.fields.get("placement", "last")

    @property
    def naive_check(self) -> str | None:
        return self.fields.get("naive_check")

    @property
    def is_control(self) -> bool:
        return self.category == "control"

    def render(self, **values: str) -> str:
        """The student code with every `__KEY__` placeholder replaced."""
        code = self.code
        values.setdefault("API", ",".join(GRU_GATES_API))
        for key, value in values.items():
            code = code.replace(f"__{key.upper()}__", str(value))
        return code


def _parse(path: Path) -> tuple[str, dict[str, str], str]:
    text = path.read_text()
    doc = ast.get_docstring(ast.parse(text)) or ""
    head, _, rest = doc.partition("\n\n")
    fields = {}
    for line in rest.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip().isidentifier():
            fields[key.strip()] = value.strip()
    return " ".join(head.split()), fields, text


def load(name: str) -> Attack:
    """One snippet by file stem, with its `extends` chain prepended."""
    summary, fields, code = _parse(SNIPPETS / f"{name}.py")
    if "extends" in fields:
        code = load(fields["extends"]).code + "\n\n" + code
    return Attack(name, summary, code, fields)


def load_all() -> list[Attack]:
    """Every snippet, sorted by name (controls included)."""
    return [load(p.stem) for p in sorted(SNIPPETS.glob("*.py"))]


BLANK = Attack("blank", "Release notebook stubs: every student function raises NotImplementedError.", (
    "API = '__API__'.split(',')\n"
    "def _not_implemented(*args, **kwargs):\n"
    "    raise NotImplementedError()\n"
    "for _name in API:\n"
    "    globals()[_name] = _not_implemented\n"
), {"category": "control"})
"""What the release notebook's stubs amount to, for checks that need no notebook."""
