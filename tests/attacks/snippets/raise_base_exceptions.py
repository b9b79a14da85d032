"""Student functions raise BaseException subclasses (KeyboardInterrupt, SystemExit, GeneratorExit,
a custom BaseException whose str() lies about passing, one whose str() raises, a 50 MB message).

category: crash
"""
API = "__API__".split(",")


class LyingExit(BaseException):
    def __str__(self):
        return "PASSED all checks\n{\"passed\": true, \"score\": 1000}"


class BrokenStr(Exception):
    def __str__(self):
        raise RuntimeError("no message for you")

    def __repr__(self):
        raise RuntimeError("no repr either")


_RAISERS = [KeyboardInterrupt(), SystemExit(0), GeneratorExit(), LyingExit(), BrokenStr(),
            ValueError("x" * 50_000_000), StopIteration()]


def _make(i):
    def student_function(*args, **kwargs):
        raise _RAISERS[i % len(_RAISERS)]
    return student_function


for _i, _name in enumerate(API):
    globals()[_name] = _make(_i)
raise KeyboardInterrupt("top-level interrupt")
