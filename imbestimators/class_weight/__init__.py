"""Class-weighting schemes for imbalanced data, in NumPy only.

Small pure functions behind a dispatch table (:data:`SCHEMES`), shaped like
:mod:`sklearn.utils.class_weight`, used by the neural estimators and usable with
any estimator that takes ``class_weight`` or ``sample_weight``.
"""

from imbestimators.class_weight._class_weight import (
    SCHEMES,
    compute_class_weight,
    compute_sample_weight,
)
from imbestimators.class_weight._cost import class_weight_from_cost_matrix

__all__ = [
    "SCHEMES",
    "class_weight_from_cost_matrix",
    "compute_class_weight",
    "compute_sample_weight",
]
