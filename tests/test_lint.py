"""The codebase stays clean: ruff, mypy and the package's layer contract (import-linter), all
configured in pyproject.toml. A failure prints the tool's own report."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

TOOLS = {
    "ruff": [sys.executable, "-m", "ruff", "check", "."],
    "mypy": [sys.executable, "-m", "mypy"],
    "lint-imports": [shutil.which("lint-imports") or "lint-imports"],
}


@pytest.mark.slow
@pytest.mark.parametrize("tool", TOOLS)
def test_tool_reports_nothing(tool: str) -> None:
    done = subprocess.run(TOOLS[tool], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"{' '.join(TOOLS[tool])} failed:\n{done.stdout}\n{done.stderr}"
