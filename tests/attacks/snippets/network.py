"""Open TCP/UDP connections to a listener on the grading host and to 1.1.1.1, resolve a name.

category: escape
"""
import socket

import numpy as np

MARK = "__MARK__"
API = "__API__".split(",")
_report = []
for _host, _port in (("127.0.0.1", int("__PORT__")), ("1.1.1.1", 53), ("1.1.1.1", 80)):
    try:
        with socket.create_connection((_host, _port), timeout=2) as _s:
            _s.sendall(MARK.encode())
        _report.append(f"connected {_host}:{_port}")
    except OSError as exc:
        _report.append(f"refused {_host}:{_port}: {exc}")
try:
    _u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    _u.sendto(MARK.encode(), ("127.0.0.1", int("__PORT__")))
except OSError as exc:
    _report.append(f"udp: {exc}")
try:
    socket.getaddrinfo("pypi.org", 443)
    _report.append("dns works")
except OSError as exc:
    _report.append(f"dns: {exc}")
print("ATTACK", "; ".join(_report))
for _name in API:
    globals()[_name] = lambda *args, **kwargs: np.zeros(1)
