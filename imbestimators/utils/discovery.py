"""Find the public estimators of imbestimators (as ``sklearn.utils.discovery``)."""

import importlib
import inspect
import pkgutil

from sklearn.base import BaseEstimator

import imbestimators

__all__ = ["all_estimators"]

# subpackages that hold no estimator or need an optional dependency to import
_SKIPPED_PACKAGES = {"testing", "utils"}


def all_estimators(type_filter=None):
    """List the public, concrete estimator classes of imbestimators.

    Subpackages whose optional dependency is missing (``neural`` without torch)
    are skipped.

    Parameters
    ----------
    type_filter : {"sampler", "classifier"} or None, default=None
        Keep only samplers (classes with ``fit_resample``) or classifiers.

    Returns
    -------
    list of (str, type)
        ``(name, class)`` pairs sorted by name.

    Examples
    --------
    >>> from imbestimators.utils.discovery import all_estimators
    >>> names = [name for name, _ in all_estimators(type_filter="sampler")]
    >>> "SMOTE" in names
    True
    """
    found = {}
    for module in _public_modules():
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if _is_public_estimator(name, obj) and _matches(obj, type_filter):
                found[name] = obj
    return sorted(found.items())


def _public_modules():
    for info in pkgutil.iter_modules(imbestimators.__path__):
        if info.name.startswith("_") or info.name in _SKIPPED_PACKAGES:
            continue
        try:
            yield importlib.import_module(f"imbestimators.{info.name}")
        except ImportError:
            continue


def _is_public_estimator(name, obj):
    return (
        issubclass(obj, BaseEstimator)
        and obj.__module__.startswith("imbestimators.")
        and not name.startswith(("_", "Base"))
        and not inspect.isabstract(obj)
    )


def _matches(obj, type_filter):
    if type_filter is None:
        return True
    if type_filter == "sampler":
        return hasattr(obj, "fit_resample")
    if type_filter == "classifier":
        return getattr(obj, "_estimator_type", None) == "classifier" or hasattr(
            obj, "predict_proba"
        )
    raise ValueError(
        f"type_filter must be 'sampler', 'classifier' or None; got {type_filter!r}."
    )
