"""Defers the grammar of jsonschema's optional IRI format checker until an IRI is checked.

Importing nbformat imports jsonschema, whose format module imports `rfc3987_syntax` when it
is installed (a dependency of jupyter_events); that package compiles its Lark grammars at
import time, 1.5 to 2 s of CPU in every grading process (jsonschema issue #1428). Notebook
validation never checks an "iri" format, so a stand-in module takes its place: its one
function imports the real package the first time it is called, so a schema that does check
IRIs still gets the real checker.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

NAME = "rfc3987_syntax"


def _real_is_valid_syntax(*args: Any, **kwargs: Any) -> Any:
    """The real checker, loaded on first use (the stand-in leaves sys.modules first)."""
    if getattr(sys.modules.get(NAME), "__stand_in__", False):
        del sys.modules[NAME]
    return importlib.import_module(NAME).is_valid_syntax(*args, **kwargs)


def defer_iri_grammar() -> None:
    """Installs the stand-in unless the package is absent or already imported."""
    if NAME in sys.modules or importlib.util.find_spec(NAME) is None:
        return
    stand_in = types.ModuleType(NAME, "stand-in until an IRI is checked (grucourse.judge.lazy_formats)")
    stand_in.__stand_in__ = True  # type: ignore[attr-defined]
    stand_in.is_valid_syntax = _real_is_valid_syntax  # type: ignore[attr-defined]
    sys.modules[NAME] = stand_in
