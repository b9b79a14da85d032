"""A validated bank question as the builder, the grader and the exports see it."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Answer = str | list | bool | float | int


@dataclass(frozen=True)
class Params:
    """A per-student variant: every name takes one of its values, the answer is the formula."""

    values: Mapping[str, list[float]]
    formula: str

    @property
    def example(self) -> dict[str, float]:
        """First value of every name: the variant shown in exports and checked against `answer`."""
        return {name: vals[0] for name, vals in self.values.items()}


@dataclass(frozen=True)
class Question:
    """One question of SPEC section 5, plus where it was written (for messages)."""

    id: str
    type: str
    prompt: str
    answer: Answer
    explanation: str
    points: float
    source: str
    choices: Mapping[str, str] = field(default_factory=dict)
    tolerance: float | None = None
    params: Params | None = None
    scoring: str = "all_or_nothing"
    topic: str = ""
    difficulty: str = ""
    file: str = ""
    line: int = 0

    @classmethod
    def from_data(cls, data: Mapping[str, Any], file: str, line: int) -> Question:
        params = data.get("params")
        return cls(
            id=data["id"],
            type=data["type"],
            prompt=data["prompt"],
            answer=data["answer"],
            explanation=data["explanation"],
            points=data["points"],
            source=data["source"],
            choices=dict(data.get("choices") or {}),
            tolerance=data.get("tolerance"),
            params=Params(dict(params["values"]), params["formula"]) if params else None,
            scoring=data.get("scoring", "all_or_nothing"),
            topic=data.get("topic", ""),
            difficulty=data.get("difficulty", ""),
            file=file,
            line=line,
        )

    def prompt_with(self, values: Mapping[str, float] | None = None) -> str:
        """The prompt with `{name}` placeholders filled (the example variant by default)."""
        if self.params is None:
            return self.prompt
        values = self.params.example if values is None else values
        text = self.prompt
        for name, value in values.items():
            text = text.replace("{" + name + "}", f"{value:g}")
        return text
