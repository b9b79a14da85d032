"""Kill the interpreter at top level with os._exit(0), after defining garbage functions.

category: crash
placement: first
"""
import os

import numpy as np

API = "__API__".split(",")
for _name in API:
    globals()[_name] = lambda *args, **kwargs: np.zeros(1)
print("exiting with status 0")
os._exit(0)
