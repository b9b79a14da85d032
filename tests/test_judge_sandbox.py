"""The sandbox really isolates: no host files, no network, no writes outside its private
directories, limits that fire (and say which), and nothing left running afterwards."""
from __future__ import annotations

import ast
import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
from judge_fixtures.sandboxed import run

from grucourse.judge import sandbox as sandbox_module
from grucourse.judge.cgroups import Cgroup
from grucourse.judge.sandbox import IsolationUnavailable, Sandbox

pytestmark = pytest.mark.skipif(not sandbox_module.isolation_available(), reason="bubblewrap cannot run here")


def cgroups_writable() -> bool:
    group = Cgroup.create(2**30, 10)
    group.remove()
    return group.caps_processes


def host_processes_with(marker: str) -> list[str]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if marker in cmdline:
            found.append(f"{pid}: {cmdline}")
    return found


def test_student_code_sees_no_host_files_no_network_and_runs_as_nobody(tmp_path: Path) -> None:
    secret = tmp_path / "gradebook.db"
    secret.write_text("secret")
    repo_file = Path(__file__).resolve()
    [cell], _ = run(f"""
import os, socket
print("uid", os.getuid(), os.getgid())
for path in [{str(secret)!r}, {str(repo_file)!r}, "/etc/passwd", "/root/.bashrc", "/proc/1/environ"]:
    try:
        open(path).read(); print("READ", path)
    except OSError as exc:
        print("blocked", type(exc).__name__)
for host in ["127.0.0.1", "1.1.1.1"]:
    try:
        socket.create_connection((host, 80), timeout=1); print("CONNECTED", host)
    except OSError as exc:
        print("offline", type(exc).__name__)
""")
    assert cell.error is None, cell.error
    assert "uid 65534 65534" in cell.stdout
    assert "READ" not in cell.stdout and cell.stdout.count("blocked") == 5
    assert "CONNECTED" not in cell.stdout and cell.stdout.count("offline") == 2


def test_writes_succeed_only_in_the_private_work_and_tmp_dirs(tmp_path: Path) -> None:
    import numpy

    targets = [str(Path(numpy.__file__).parent / "evil.py"), "/usr/evil", str(tmp_path / "evil"), "/evil"]
    [cell], _ = run(f"""
for path in {targets!r} + ["/work/ok", "/tmp/ok"]:
    try:
        open(path, "w").write("x"); print("WROTE", path)
    except OSError as exc:
        print("refused", path)
""")
    assert cell.stdout.count("refused") == 4 and "WROTE /work/ok" in cell.stdout and "WROTE /tmp/ok" in cell.stdout
    assert not (Path(numpy.__file__).parent / "evil.py").exists() and not (tmp_path / "evil").exists()


def test_memory_limit_gives_a_memory_error_and_later_cells_still_run() -> None:
    cells, _ = run("block = bytearray(3 * 1024 ** 3)", "print('alive')", memory_mb=512)
    assert cells[0].error is not None and cells[0].error[0] == "MemoryError"
    assert cells[1].stdout == "alive\n"


@pytest.mark.slow
def test_cpu_limit_is_named_and_the_next_cell_runs_in_a_fresh_worker() -> None:
    cells, log = run("while True:\n    pass", "print('after')", cpu_seconds=1, cell_timeout=30)
    assert "CPU time limit (1 s) exceeded" in cells[0].note
    assert cells[1].stdout == "after\n"
    assert any("CPU time limit" in line for line in log)


def test_wall_clock_limit_kills_a_sleeping_cell_and_leaves_no_process() -> None:
    marker = f"{time.time_ns() % 10**9}.25"
    start = time.monotonic()
    cells, _ = run(
        "import subprocess\n"
        f"daemon = subprocess.Popen(['/bin/sleep', '{marker}'], start_new_session=True)\n"
        f"import os\nif os.fork() == 0:\n    os.setsid()\n    os.execv('/bin/sleep', ['sleep', '{marker}'])",
        "import time\ntime.sleep(60)",
        "print('next')",
        cell_timeout=1.5,
    )
    assert time.monotonic() - start < 20
    assert "the 1.5 s cell time limit reached" in cells[1].note
    assert cells[2].stdout == "next\n"
    time.sleep(0.5)
    assert host_processes_with(marker) == []


def test_fork_bomb_is_bounded_by_the_process_limit() -> None:
    [cell], _ = run("""
import os
children = 0
try:
    for _ in range(200):
        if os.fork() == 0:
            import time; time.sleep(30); os._exit(0)
        children += 1
except OSError as exc:
    print("stopped after", children, type(exc).__name__)
""", max_processes=16)
    assert "stopped after" in cell.stdout
    assert int(cell.stdout.split()[2]) < 16 + 4  # bwrap's own processes count in the cgroup


def test_output_is_capped_and_the_drop_is_reported() -> None:
    cells, log = run("print('x' * 5_000_000)", "import os\nfor _ in range(200):\n    os.write(1, b'y' * 50_000)",
                     max_output_bytes=10_000)
    assert len(cells[0].stdout) == 10_000 and "characters dropped" in cells[0].note
    raw = [line for line in log if line.startswith("raw sandbox output")]
    assert raw and "bytes dropped" in raw[0] and len(raw[0]) < 11_000


def test_file_size_and_tmpfs_limits() -> None:
    [cell], _ = run("""
for path in ["/work/big", "/tmp/big"]:
    try:
        with open(path, "wb") as f:
            f.write(b"z" * (32 * 2**20))
        print("WROTE", path)
    except OSError as exc:
        print("limited", exc.errno)
""", max_file_mb=8)
    assert cell.stdout.count("limited") == 2


def test_without_bubblewrap_it_refuses_by_default_or_warns_loudly_when_allowed(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    missing = "/nonexistent/bwrap"
    monkeypatch.delenv(sandbox_module.ALLOW_UNSANDBOXED_ENV, raising=False)
    with pytest.raises(IsolationUnavailable) as refused:
        run("print(1)", bwrap=missing)
    message = str(refused.value)
    assert f"pid {os.getpid()}" in message and socket.gethostname() in message and missing in message
    assert "c.Sandbox.require_isolation = False" in message
    # The opt-out of a trusted machine, explicitly: only the rlimits apply, with a warning.
    sandbox_module._warn_unsandboxed.cache_clear()  # said once per process
    [cell], _ = run("import resource\nprint(resource.getrlimit(resource.RLIMIT_NPROC))", max_processes=77,
                    use_cgroups=False, bwrap=missing, require_isolation=False)
    assert cell.stdout == "(77, 77)\n"
    assert "SANDBOX UNAVAILABLE" in caplog.text and missing in caplog.text
    monkeypatch.setenv(sandbox_module.ALLOW_UNSANDBOXED_ENV, "1")
    assert not Sandbox().require_isolation
    assert Sandbox(require_isolation=True).require_isolation  # the course's config wins over the variable


@pytest.mark.slow
@pytest.mark.skipif(not cgroups_writable(), reason="cgroups are not writable here")
def test_forked_children_share_one_memory_cap() -> None:
    """Each child stays under the per-process limit; together they exceed the sandbox's cap."""
    [cell], _ = run("""
import os, numpy as np
children = []
for _ in range(4):
    pid = os.fork()
    if pid == 0:
        block = np.ones(3 * 2**24)  # 384 MiB, every page written
        os._exit(0)
    children.append(pid)
print(sorted(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children))
""", memory_mb=512, cell_timeout=60)
    killed = ast.literal_eval(cell.stdout)
    assert -9 in killed, cell


def test_notebook_time_limit_stops_the_remaining_cells() -> None:
    cells, log = run("import time\ntime.sleep(1.5)", "import time\ntime.sleep(1.5)", "print('late')",
                     cell_timeout=5, notebook_timeout=2)
    assert cells[0].error is None and "the 2 s notebook time limit reached" in cells[1].note
    assert "notebook time limit (2 s) was reached" in cells[2].note
    assert any("notebook time limit" in line for line in log)


def test_limits_come_from_the_course_config(tmp_path: Path) -> None:
    from grucourse.judge.sandbox import course_sandbox

    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\nc.Sandbox.memory_mb = 321\n")
    assert course_sandbox(tmp_path / "nbgrader_config.py").memory_mb == 321
    assert course_sandbox(tmp_path / "missing.py").memory_mb == Sandbox().memory_mb


def test_many_chatty_cells_share_one_output_budget() -> None:
    cells, _ = run(*["print('z' * 5_000)"] * 30, max_output_bytes=2_000)
    kept = sum(len(cell.stdout) for cell in cells)
    assert kept <= 10 * 2_000 and cells[0].stdout == "z" * 2_000
    assert "output limit was reached" in cells[-1].note


def test_sandbox_dies_with_a_killed_grader() -> None:
    import signal
    import subprocess
    import sys

    marker = f"{time.time_ns() % 10**9}.75"
    grader = subprocess.Popen([sys.executable, "-c", f"""
from grucourse.judge.runner import NotebookRunner
from grucourse.judge.sandbox import Sandbox
cell = "import subprocess, time\\nsubprocess.Popen(['/bin/sleep', '{marker}'])\\ntime.sleep(600)"
NotebookRunner([(0, cell)], Sandbox(cell_timeout=600, notebook_timeout=600), []).run_cells()
"""])
    try:
        deadline = time.monotonic() + 60
        while not host_processes_with(marker) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert host_processes_with(marker), "the student's process never started"
    finally:
        grader.send_signal(signal.SIGKILL)
        grader.wait()
    deadline = time.monotonic() + 10
    while host_processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert host_processes_with(marker) == []


def test_worker_copy_survives_a_forked_child_exiting() -> None:
    """Dask's forked workers inherit the copy of the worker script; their exit must not remove it."""
    import subprocess
    import sys

    code = """
import os, sys
from grucourse.judge.channel import worker_dir
directory = worker_dir()
child = os.fork()
if child == 0:
    sys.exit(0)  # runs the atexit handlers inherited from the parent
os.waitpid(child, 0)
print(directory.is_dir())
"""
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout == "True\n"


@pytest.mark.skipif(not cgroups_writable(), reason="cgroups are not writable here")
def test_groups_of_a_killed_grader_are_removed() -> None:
    import subprocess
    import sys

    code = ("import os, signal\nfrom grucourse.judge.cgroups import Cgroup\n"
            "print(*Cgroup.create(2**30, 10).directories, flush=True)\nos.kill(os.getpid(), signal.SIGKILL)")
    groups = [Path(p) for p in subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.split()]
    assert groups
    deadline = time.monotonic() + 5
    while any(g.exists() for g in groups) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(g.exists() for g in groups)


def test_package_is_hidden_even_when_installed_inside_a_bound_directory() -> None:
    """A regular install puts grucourse (reference solutions included) into site-packages,
    which the sandbox binds read-only: student code must still find the package empty."""
    package = sandbox_module.PACKAGE_DIR
    probe = (f"import os; print(sorted(os.listdir({str(package)!r}))); "
             f"print(os.path.isfile({str(package / 'gru' / 'reference.py')!r}))")
    command = sandbox_module.bubblewrap_prefix([package.parent], 1)  # /usr is always bound
    out = subprocess.run(command + ["/usr/bin/python3", "-c", probe], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["[]", "False"]
