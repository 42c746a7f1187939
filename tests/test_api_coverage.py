"""Every public name of imbalanced-learn has a twin in imbestimators.

The names are read from imbalanced-learn's ``__all__`` lists when the tests
run, so a name added by a new imbalanced-learn release fails here, with its
name, until it has a twin (issue 12: ``imblearn`` -> ``imbestimators`` is a
search-and-replace).
"""

import importlib
import inspect
import types

import numpy as np
import pytest
from sklearn.base import BaseEstimator

#: imbalanced-learn subpackages whose ``__all__`` must be covered
_SUBPACKAGES = [
    "imblearn",
    "imblearn.over_sampling",
    "imblearn.under_sampling",
    "imblearn.combine",
    "imblearn.ensemble",
    "imblearn.pipeline",
    "imblearn.metrics",
    "imblearn.model_selection",
    "imblearn.datasets",
    "imblearn.utils",
]

#: public names outside any ``__all__`` (``imblearn.metrics.pairwise`` has none)
_EXTRA_NAMES = [("imblearn.metrics.pairwise", "ValueDifferenceMetric")]

#: names without a twin on purpose, with the reason
_EXCLUDED = {
    # downloads from the network; nothing in imbestimators downloads
    ("imblearn.datasets", "fetch_datasets"),
}

#: subpackages replaced as a whole: the Keras/TensorFlow batch generators are
#: replaced, for PyTorch, by imbestimators.neural.BalancedBatchSampler
_EXCLUDED_SUBPACKAGES = {"keras", "tensorflow"}

#: (imblearn module, name, parameter) -> reason our default differs on purpose
_DELIBERATE_DEFAULTS: dict = {}


def _public_names():
    names = []
    for module_name in _SUBPACKAGES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            if name == "__version__" or name in _EXCLUDED_SUBPACKAGES:
                continue
            if isinstance(getattr(module, name, None), types.ModuleType):
                continue  # a subpackage: its own __all__ is listed above
            if (module_name, name) not in _EXCLUDED:
                names.append((module_name, name))
    return names + _EXTRA_NAMES


_NAMES = _public_names()


def _twin_of(module_name, name):
    """imbestimators' object of the same name, at the matching place."""
    ours = module_name.replace("imblearn", "imbestimators", 1)
    try:
        module = importlib.import_module(ours)
    except ImportError as exc:
        pytest.fail(f"{ours} (twin of {module_name}) cannot be imported: {exc}")
    if not hasattr(module, name):
        pytest.fail(f"{ours}.{name} is missing: the twin of {module_name}.{name}")
    return getattr(module, name)


def _same_default(ours, theirs):
    if isinstance(ours, BaseEstimator) and isinstance(theirs, BaseEstimator):
        return type(ours).__name__ == type(theirs).__name__ and repr(ours) == repr(
            theirs
        )
    try:
        return bool(np.all(ours == theirs)) and type(ours) is type(theirs)
    except (TypeError, ValueError):
        return repr(ours) == repr(theirs)


def _check_signature(module_name, name, ours, theirs):
    ours_sig, theirs_sig = inspect.signature(ours), inspect.signature(theirs)
    ours_params, theirs_params = ours_sig.parameters, theirs_sig.parameters
    assert list(ours_params) == list(theirs_params), (
        f"{name}: parameters {list(ours_params)} differ from imbalanced-learn's "
        f"{list(theirs_params)}"
    )
    for param, theirs_param in theirs_params.items():
        ours_param = ours_params[param]
        assert ours_param.kind == theirs_param.kind, (
            f"{name}({param}): {ours_param.kind.description} parameter, "
            f"imbalanced-learn's is {theirs_param.kind.description}"
        )
        if (module_name, name, param) in _DELIBERATE_DEFAULTS:
            continue
        assert _same_default(ours_param.default, theirs_param.default), (
            f"{name}({param}): default {ours_param.default!r}, imbalanced-learn's "
            f"is {theirs_param.default!r}"
        )


@pytest.mark.parametrize(
    ("module_name", "name"), _NAMES, ids=[f"{m}.{n}" for m, n in _NAMES]
)
def test_imblearn_name_has_twin(module_name, name):
    """Check the twin: same kind of object, the same parameters and defaults.

    A class twins a class (an estimator an estimator, a sampler a sampler),
    a function a function.
    """
    theirs = getattr(importlib.import_module(module_name), name)
    ours = _twin_of(module_name, name)
    assert inspect.isclass(ours) == inspect.isclass(theirs), (
        f"{name}: imbalanced-learn's is a {type(theirs).__name__}, ours a "
        f"{type(ours).__name__}"
    )
    if inspect.isclass(theirs):
        for kind in (BaseEstimator,):
            assert issubclass(ours, kind) == issubclass(theirs, kind), (
                f"{name}: ours and imbalanced-learn's differ in being a {kind.__name__}"
            )
        assert hasattr(ours, "fit_resample") == hasattr(theirs, "fit_resample"), (
            f"{name}: ours and imbalanced-learn's differ in having fit_resample"
        )
    else:
        assert callable(ours)
    _check_signature(module_name, name, ours, theirs)


def test_public_names_are_read_from_imblearn():
    """Check that the list is imbalanced-learn's own, with every subpackage."""
    read = {module for module, _ in _NAMES}
    assert read == {*_SUBPACKAGES, "imblearn.metrics.pairwise"}
    assert ("imblearn.over_sampling", "SMOTE") in _NAMES
    assert ("imblearn", "FunctionSampler") in _NAMES
    assert not any(name == "fetch_datasets" for _, name in _NAMES)


def test_keras_and_tensorflow_generators_are_replaced():
    """Check that the generators' PyTorch replacement exists."""
    pytest.importorskip("torch")
    neural = importlib.import_module("imbestimators.neural")
    assert "BalancedBatchSampler" in neural.__all__
    assert inspect.isclass(neural.BalancedBatchSampler)
