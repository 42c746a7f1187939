"""Balanced ensembles: each member is fitted on its own resample of the data.

The twins of imbalanced-learn's ensembles, with the same names, parameters
and fitted attributes; every member resamples with imbestimators' samplers.
"""

from imbestimators.ensemble._bagging import BalancedBaggingClassifier
from imbestimators.ensemble._easy_ensemble import EasyEnsembleClassifier
from imbestimators.ensemble._forest import BalancedRandomForestClassifier
from imbestimators.ensemble._weight_boosting import RUSBoostClassifier

__all__ = [
    "BalancedBaggingClassifier",
    "BalancedRandomForestClassifier",
    "EasyEnsembleClassifier",
    "RUSBoostClassifier",
]
