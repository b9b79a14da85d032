"""The correct solution plus RuntimeWarnings at top level and from inside gru_forward
(control: warnings printed by correct code must not cost points).

category: control
extends: correct
"""
import warnings

import numpy as np

np.log(np.zeros(1))                                   # RuntimeWarning: divide by zero
warnings.warn("this notebook is slow", RuntimeWarning)
_plain_gru_forward = gru_forward  # noqa: F821 - defined by the extended snippet


def gru_forward(X, H0, params):
    warnings.warn("gru_forward: consider vectorising", RuntimeWarning)
    np.float64(1.0) / np.float64(0.0)                 # RuntimeWarning: divide by zero
    return _plain_gru_forward(X, H0, params)
