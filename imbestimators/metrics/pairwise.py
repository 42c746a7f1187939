"""Pairwise distances between samples: imbalanced-learn's ``metrics.pairwise``.

A public module, as in imbalanced-learn, so that
``from imblearn.metrics.pairwise import ValueDifferenceMetric`` becomes
``from imbestimators.metrics.pairwise import ValueDifferenceMetric``.
"""

from imbestimators.metrics._pairwise import ValueDifferenceMetric

__all__ = ["ValueDifferenceMetric"]
