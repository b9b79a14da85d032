"""The course's own JupyterLab extensions: the Check button (grucourse/hub/labextension) and the
quiz answer widgets (grucourse/quiz/labextension), each prebuilt by `install.sh` into the
`labextension_build/` folder beside its source.

A built folder has the layout of a `share/jupyter/labextensions` folder (`<name>/package.json`
or `@scope/<name>/package.json`), so JupyterLab loads it from `--LabApp.extra_labextensions_path`
without anything copied into the installation. Every JupyterLab of `grucourse hub` loads both;
`grucourse lab` only the answer widgets, since a Check button there would have no service.
"""
from __future__ import annotations

import json
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def _is_prebuilt(package_json: Path) -> bool:
    try:
        return "_build" in json.loads(package_json.read_text(encoding="utf-8")).get("jupyterlab", {})
    except (OSError, ValueError, AttributeError):
        return False


def lab_extension_dirs(*parts: str) -> list[Path]:
    """`grucourse/<part>/labextension_build/` of each of `parts` holding a prebuilt extension."""
    return sorted(d for d in (PACKAGE / part / "labextension_build" for part in parts) if d.is_dir()
                  and any(_is_prebuilt(p) for p in (*d.glob("*/package.json"), *d.glob("@*/*/package.json"))))


def lab_extension_args(*parts: str) -> list[str]:
    """JupyterLab's command-line arguments that load the extensions of `parts` ("hub", "quiz")."""
    return [f"--LabApp.extra_labextensions_path={d}" for d in lab_extension_dirs(*parts)]
