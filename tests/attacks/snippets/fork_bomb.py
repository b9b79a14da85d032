"""Bounded fork bomb: 200 forked children that each try to sleep for ten minutes.

category: resource
"""
import os
import time

import numpy as np

MARK = "__MARK__"
API = "__API__".split(",")
_children = 0
for _ in range(200):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        try:
            os.execv("/bin/sleep", [MARK + "-fork", "600"])
        finally:
            time.sleep(600)
            os._exit(0)
    _children += 1
print("ATTACK forked", _children, "children")
for _name in API:
    globals()[_name] = lambda *args, **kwargs: np.zeros(1)
