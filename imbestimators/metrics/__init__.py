"""Metrics and scorers for imbalanced classification.

Decision metrics (sensitivity, specificity, G-mean, index balanced accuracy,
expected cost, macro-averaged MAE for ordinal classes, an imbalanced
classification report) and their scorers, by
name through :func:`get_scorer` or as objects, for ``GridSearchCV`` and
``cross_val_score``.
"""

from imbestimators.metrics._classification import (
    expected_cost,
    geometric_mean_score,
    index_balanced_accuracy,
    macro_averaged_mean_absolute_error,
    make_index_balanced_accuracy,
    sensitivity_score,
    sensitivity_specificity_support,
    specificity_score,
)
from imbestimators.metrics._report import (
    classification_report_imbalanced,
    imbalanced_classification_report,
)
from imbestimators.metrics._scorer import SCORERS, get_scorer, get_scorer_names

__all__ = [
    "SCORERS",
    "classification_report_imbalanced",
    "expected_cost",
    "geometric_mean_score",
    "get_scorer",
    "get_scorer_names",
    "imbalanced_classification_report",
    "index_balanced_accuracy",
    "macro_averaged_mean_absolute_error",
    "make_index_balanced_accuracy",
    "sensitivity_score",
    "sensitivity_specificity_support",
    "specificity_score",
]
