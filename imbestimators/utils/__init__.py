"""Utilities shared by the estimators: the k-NN engine, validation, optional imports."""

from imbestimators.utils._neighbors import NeighborsIndex, kneighbors
from imbestimators.utils._optional import import_optional

__all__ = ["NeighborsIndex", "import_optional", "kneighbors"]
