"""Decision rules learned by cross-validation, prior correction, and their plots.

:class:`ThresholdTunedClassifier` tunes how a classifier's scores become
labels (a threshold for two classes, per-class offsets or a cost matrix for
more) with an exact search over the out-of-fold scores;
:class:`PriorCorrectedClassifier` corrects probabilities for the class prior
that resampling or class weights changed.
"""

from imbestimators.model_selection._prior import PriorCorrectedClassifier
from imbestimators.model_selection._threshold import ThresholdTunedClassifier

__all__ = ["PriorCorrectedClassifier", "ThresholdTunedClassifier"]
