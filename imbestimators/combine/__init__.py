"""Over-sampling followed by cleaning, with any of the library's samplers."""

from imbestimators.combine._smote_enn import SMOTEENN
from imbestimators.combine._smote_tomek import SMOTETomek

__all__ = ["SMOTEENN", "SMOTETomek"]
