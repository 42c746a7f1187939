"""Over-samplers: random over-sampling and the SMOTE family, written in NumPy."""

from imbestimators.over_sampling._adasyn import ADASYN
from imbestimators.over_sampling._kmeans_smote import KMeansSMOTE
from imbestimators.over_sampling._random import RandomOverSampler
from imbestimators.over_sampling._smote import SMOTE, BorderlineSMOTE
from imbestimators.over_sampling._smoten import SMOTEN
from imbestimators.over_sampling._smotenc import SMOTENC
from imbestimators.over_sampling._svm_smote import SVMSMOTE

__all__ = [
    "ADASYN",
    "SMOTE",
    "SMOTEN",
    "SMOTENC",
    "SVMSMOTE",
    "BorderlineSMOTE",
    "KMeansSMOTE",
    "RandomOverSampler",
]
