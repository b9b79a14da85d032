"""The attack corpus is real: every cheat in tests/attacks beats a grader that runs its checks in
the student's own interpreter (what plain nbgrader does), while the same checks fail a blank notebook.

This keeps the judge's hostile-input suite honest: an attack that fools nothing proves nothing.
"""
from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import attacks
import pytest

NAIVE = [a for a in attacks.load_all() if a.naive_check]

# Runs student code then a check in one IPython shell, like a kernel running notebook cells;
# exit status 0: the check passed, 3: it raised. Inputs are read before student code can poison io.
_IN_KERNEL = textwrap.dedent("""
    import os, sys
    code, check = sys.stdin.read().split("\\0")
    from IPython.core.interactiveshell import InteractiveShell
    shell = InteractiveShell.instance()
    shell.run_cell(code)
    try:
        exec(check, shell.user_ns)
    except BaseException:
        os._exit(3)
    os._exit(0)
""")


def _in_kernel(code: str, check: str, tmp_path) -> int:
    proc = subprocess.run([sys.executable, "-c", _IN_KERNEL], input=f"{code}\0{check}", text=True,
                          capture_output=True, cwd=tmp_path, timeout=120)
    return proc.returncode


def test_corpus_covers_every_required_attack_family() -> None:
    names = {a.name for a in attacks.load_all()}
    required = {"patch_numpy_testing", "patch_numpy_compare", "lying_object", "lying_ndarray_subclass",
                "ipython_input_transformer", "exit_top_level", "sys_exit_top_level", "exit_in_function",
                "infinite_loop_top_level", "infinite_loop_in_function", "memory_bomb", "fork_bomb",
                "big_output", "network", "read_secrets", "write_outside", "daemon_rewrites_gradebook",
                "patch_builtins", "poison_sys_modules", "kill_parent", "kill_all", "ctypes_tricks",
                "fake_protocol_frames", "raise_base_exceptions", "correct", "correct_with_warnings"}
    assert required <= names, sorted(required - names)


def test_security_doc_lists_every_attack() -> None:
    """docs/security.md carries the measured table; a new attack needs a new run pasted there."""
    doc = (Path(__file__).parents[1] / "docs" / "security.md").read_text()
    missing = [a.name for a in attacks.load_all() if f"`{a.name}`" not in doc]
    assert not missing, f"re-run tests/test_hostile.py and paste test-artifacts/attack_table.md: {missing}"


@pytest.mark.parametrize("attack", attacks.load_all(), ids=lambda a: a.name)
def test_snippet_is_valid_python_with_known_fields(attack: attacks.Attack) -> None:
    ast.parse(attack.render(mark="M", course="/c", repo="/r", port="1"))
    assert attack.summary and attack.category in {"cheat", "crash", "resource", "escape", "control"}
    assert attack.placement in {"first", "last"}
    assert "__" + "MARK__" not in attack.render(mark="M", course="/c", repo="/r", port="1")


@pytest.mark.slow
def test_naive_checks_fail_on_a_blank_notebook(tmp_path) -> None:
    """Controls for the test below: without the attack each check really fails."""
    code = attacks.BLANK.render()
    for attack in NAIVE:
        assert _in_kernel(code, attack.naive_check, tmp_path) == 3, attack.name


@pytest.mark.slow
@pytest.mark.parametrize("attack", NAIVE, ids=lambda a: a.name)
def test_attack_fools_an_in_kernel_grader(attack: attacks.Attack, tmp_path) -> None:
    code = attack.render(mark="M", course=str(tmp_path), repo=str(tmp_path), port="1")
    assert _in_kernel(code, attack.naive_check, tmp_path) == 0
