"""Estimators for class-imbalanced learning that drop into scikit-learn.

Subpackages, and the configuration functions, are loaded on first access
(PEP 562), so ``import imbestimators`` stays light: it never imports torch,
skorch, hypothesis or matplotlib.
"""

import importlib

from imbestimators._version import __version__

_SUBMODULES = [
    "base",
    "class_weight",
    "combine",
    "datasets",
    "diagnostics",
    "ensemble",
    "exceptions",
    "metrics",
    "model_selection",
    "neural",
    "over_sampling",
    "pipeline",
    "testing",
    "under_sampling",
    "utils",
]

_CONFIG_FUNCTIONS = ["config_context", "get_config", "set_config"]

#: estimators exported at the top level, as imbalanced-learn does, by module
_ESTIMATORS = {"FunctionSampler": "imbestimators.base"}

__all__ = ["__version__", *_CONFIG_FUNCTIONS, *_ESTIMATORS, *_SUBMODULES]


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"imbestimators.{name}")
    if name in _CONFIG_FUNCTIONS:
        return getattr(importlib.import_module("imbestimators._config"), name)
    if name in _ESTIMATORS:
        return getattr(importlib.import_module(_ESTIMATORS[name]), name)
    raise AttributeError(f"module 'imbestimators' has no attribute {name!r}")


def __dir__():
    return __all__
