"""Decision rules learned by cross-validation, prior correction, and their plots.

:class:`ThresholdTunedClassifier` tunes how a classifier's scores become
labels (a threshold for two classes, per-class offsets or a cost matrix for
more) with an exact search over the out-of-fold scores.
"""

from imbestimators.model_selection._threshold import ThresholdTunedClassifier

__all__ = ["ThresholdTunedClassifier"]
