"""Utilities shared by the estimators: the k-NN engine, validation, optional imports."""

from imbestimators.utils._neighbors import NeighborsIndex, kneighbors
from imbestimators.utils._optional import import_optional
from imbestimators.utils._public_helpers import (
    Substitution,
    check_neighbors_object,
    check_sampling_strategy,
    check_target_type,
)

__all__ = [
    "NeighborsIndex",
    "Substitution",
    "check_neighbors_object",
    "check_sampling_strategy",
    "check_target_type",
    "import_optional",
    "kneighbors",
]
