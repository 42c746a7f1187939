"""Common checks of scikit-learn and imbalanced-learn over every estimator."""

import importlib

import pytest
from imblearn.utils.estimator_checks import check_param_validation
from imblearn.utils.estimator_checks import (
    parametrize_with_checks as parametrize_with_imblearn_checks,
)
from sklearn.utils.estimator_checks import parametrize_with_checks

from imbestimators.utils._test_common import construct_instances, expected_failed_checks
from imbestimators.utils.discovery import all_estimators

#: estimators whose common checks run in their own test module, because they
#: need arguments: Pipeline over several step lists, in tests/pipeline
_CHECKED_ELSEWHERE = {"Pipeline"}

ESTIMATORS = [
    instance
    for name, Estimator in all_estimators()
    if name not in _CHECKED_ELSEWHERE
    for instance in construct_instances(Estimator)
]
SAMPLERS = [est for est in ESTIMATORS if hasattr(est, "fit_resample")]


def test_all_estimators_found():
    """Check that discovery finds the samplers and no base class."""
    names = {name for name, _ in all_estimators()}
    assert {
        "SMOTE",
        "ADASYN",
        "BorderlineSMOTE",
        "SMOTENC",
        "SMOTEN",
        "SVMSMOTE",
        "KMeansSMOTE",
        "RandomOverSampler",
        "BalancedBaggingClassifier",
        "BalancedRandomForestClassifier",
        "EasyEnsembleClassifier",
        "RUSBoostClassifier",
        "ImbalanceStrategySearchCV",
    } <= names
    assert not any(name.startswith("Base") for name in names)


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible(estimator, check):
    """Check scikit-learn's estimator API contract."""
    check(estimator)


@parametrize_with_imblearn_checks(
    SAMPLERS, expected_failed_checks=expected_failed_checks
)
def test_imblearn_compatible(estimator, check):
    """Check imbalanced-learn's sampler contract."""
    check(estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda est: type(est).__name__)
def test_param_validation(estimator):
    """Check that every bad constructor parameter raises an informative error."""
    check_param_validation(type(estimator).__name__, estimator)


@pytest.mark.parametrize(
    "package",
    [
        "imbestimators.over_sampling",
        "imbestimators.under_sampling",
        "imbestimators.pipeline",
        "imbestimators.combine",
        "imbestimators.model_selection",
        "imbestimators.class_weight",
        "imbestimators.neural",
        "imbestimators.utils",
        "imbestimators.exceptions",
        "imbestimators.testing",
        "imbestimators.metrics",
        "imbestimators.diagnostics",
        "imbestimators.datasets",
        "imbestimators.ensemble",
    ],
)
def test_all_is_importable(package):
    """Check that every name in a public ``__all__`` exists."""
    module = importlib.import_module(package)
    for name in module.__all__:
        assert hasattr(module, name), f"{package}.__all__ lists missing {name!r}"
