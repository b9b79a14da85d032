"""Every command the guides tell people to type exists, with the options the guides give it."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from nbgrader.apps import NbGraderApp

from grucourse.cli import build_parser

DOCS = Path(__file__).resolve().parent.parent / "docs"
GUIDES = ("student_guide.md", "instructor_guide.md")


def shell_commands(guide: str) -> list[list[str]]:
    """The command lines of a guide's ```bash blocks, split as the shell would."""
    blocks = re.findall(r"^```bash\n(.*?)^```", (DOCS / guide).read_text(), flags=re.MULTILINE | re.DOTALL)
    return [argv for block in blocks for line in block.splitlines() if (argv := shlex.split(line, comments=True))]


def commands_of(program: str) -> list[list[str]]:
    return [argv[1:] for guide in GUIDES for argv in shell_commands(guide) if argv[0] == program]


def test_guides_use_both_tools() -> None:
    assert len(commands_of("grucourse")) >= 10
    assert len(commands_of("nbgrader")) >= 8


@pytest.mark.parametrize("argv", commands_of("grucourse"), ids=shlex.join)
def test_grucourse_command_in_guide_parses(argv: list[str]) -> None:
    args = build_parser().parse_args(argv)
    assert callable(args.func)


@pytest.mark.parametrize("argv", commands_of("nbgrader"), ids=shlex.join)
def test_nbgrader_command_in_guide_exists(argv: list[str]) -> None:
    assert argv[0] in NbGraderApp.subcommands
