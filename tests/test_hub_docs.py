"""docs/hub.md stays true: the options of `grucourse hub` it names exist, the `grucourse.hub`
names it cites import, the repository files it points to are there, and the modes of its
exchange table are the ones the code sets."""
from __future__ import annotations

import importlib
import re

from course_support import REPO

from grucourse.cli import build_parser
from grucourse.hub.exchange import FILE_MODE, SUBMISSION_DIR_MODE
from grucourse.hub.layout import EXCHANGE_MODES, EXCHANGE_ROOT_MODE

GUIDE = (REPO.root / "docs" / "hub.md").read_text()


def hub_options() -> set[str]:
    parser = build_parser()
    [subparsers] = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    return {option for action in subparsers.choices["hub"]._actions for option in action.option_strings}


def test_every_hub_option_the_guide_names_exists() -> None:
    named = set(re.findall(r"`(--[a-z-]+)", GUIDE))
    assert named and named <= hub_options(), named - hub_options()


def test_every_cited_python_name_imports() -> None:
    cited = set(re.findall(r"grucourse\.hub\.[a-z_]+\.[A-Za-z_]+", GUIDE))
    assert "grucourse.hub.config.course_config" in cited
    for name in cited:
        module, _, attribute = name.rpartition(".")
        assert hasattr(importlib.import_module(module), attribute), name
    assert "--preload\n  grucourse.pipeline.worker_setup" in GUIDE
    importlib.import_module("grucourse.pipeline.worker_setup")


def test_every_repository_file_it_points_to_exists() -> None:
    paths = set(re.findall(r"`((?:docs|tests|grucourse|benchmarks)/[\w./*-]+)`", GUIDE))
    assert paths
    for path in paths:
        assert list(REPO.root.glob(path)), path


def test_the_exchange_table_holds_the_modes_the_code_sets() -> None:
    rows = dict(re.findall(r"^\| `([^`]+)` \| (\d{4})\b", GUIDE, flags=re.M))
    assert int(rows["<exchange>/"], 8) == EXCHANGE_ROOT_MODE
    assert int(rows["<exchange>/<course_id>/"], 8) == EXCHANGE_MODES[""]
    for folder in ("outbound", "inbound", "feedback"):
        assert int(rows[f"{folder}/"], 8) == EXCHANGE_MODES[folder], folder
    private = rows["inbound/<student>+<assignment>+<time>+<random>/"]
    assert int(private, 8) == SUBMISSION_DIR_MODE & 0o777 and f"files {FILE_MODE:04o}" in GUIDE
