"""Model selection for imbalanced data: the strategy search, decision rules, splits.

:class:`ImbalanceStrategySearchCV` searches the imbalance treatment (none,
class weights, samplers with their ratio, balanced ensembles, prior
correction) and the decision rule as one estimator, by successive halving;
:class:`ThresholdTunedClassifier` tunes how a classifier's scores become
labels (a threshold for two classes, per-class offsets or a cost matrix for
more) with an exact search over the out-of-fold scores;
:class:`PriorCorrectedClassifier` corrects probabilities for the class prior
that resampling or class weights changed; :class:`InstanceHardnessCV` spreads
the hard samples evenly over the folds; the displays plot the objective
against the threshold and cost curves (matplotlib is imported when drawing).
"""

from imbestimators.model_selection._instance_hardness import InstanceHardnessCV
from imbestimators.model_selection._plot import (
    CostCurveDisplay,
    MetricThresholdDisplay,
)
from imbestimators.model_selection._prior import PriorCorrectedClassifier
from imbestimators.model_selection._strategy_search import ImbalanceStrategySearchCV
from imbestimators.model_selection._threshold import ThresholdTunedClassifier

__all__ = [
    "CostCurveDisplay",
    "ImbalanceStrategySearchCV",
    "InstanceHardnessCV",
    "MetricThresholdDisplay",
    "PriorCorrectedClassifier",
    "ThresholdTunedClassifier",
]
