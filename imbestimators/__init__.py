"""Estimators for class-imbalanced learning that drop into scikit-learn.

Subpackages are loaded on first access (PEP 562), so ``import imbestimators``
stays light: it never imports torch, skorch, hypothesis or matplotlib.
"""

import importlib

from imbestimators._version import __version__

_SUBMODULES = [
    "base",
    "class_weight",
    "combine",
    "diagnostics",
    "exceptions",
    "metrics",
    "model_selection",
    "neural",
    "over_sampling",
    "testing",
    "under_sampling",
    "utils",
]

__all__ = ["__version__", *_SUBMODULES]


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"imbestimators.{name}")
    raise AttributeError(f"module 'imbestimators' has no attribute {name!r}")


def __dir__():
    return __all__
