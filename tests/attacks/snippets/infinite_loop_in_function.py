"""sigmoid and gru_forward loop forever (one busy, one sleeping), with SIGTERM/SIGINT ignored.

category: resource
"""
import signal
import time

signal.signal(signal.SIGTERM, signal.SIG_IGN)
signal.signal(signal.SIGINT, signal.SIG_IGN)


def sigmoid(x):
    while True:
        pass


def gru_forward(X, H0, params):
    while True:
        time.sleep(1)
