"""Loop forever at top level (after defining garbage functions), ignoring SIGTERM and SIGINT.

category: resource
placement: first
"""
import signal

import numpy as np

API = "__API__".split(",")
for _name in API:
    globals()[_name] = lambda *args, **kwargs: np.zeros(1)
signal.signal(signal.SIGTERM, signal.SIG_IGN)
signal.signal(signal.SIGINT, signal.SIG_IGN)
while True:
    pass
