"""Under-samplers: random, prototype selection, cleaning rules and prototype generation.

Every method keeps imbalanced-learn's class name, parameters, defaults and
meaning; the neighbour-based ones run on the library's exact k-NN engine and
use the structure of their rule to avoid all-pairs searches.
"""

from imbestimators.under_sampling._cleaning_rule import NeighbourhoodCleaningRule
from imbestimators.under_sampling._cluster_centroids import ClusterCentroids
from imbestimators.under_sampling._condensed import CondensedNearestNeighbour
from imbestimators.under_sampling._edited import (
    AllKNN,
    EditedNearestNeighbours,
    RepeatedEditedNearestNeighbours,
)
from imbestimators.under_sampling._instance_hardness import InstanceHardnessThreshold
from imbestimators.under_sampling._nearmiss import NearMiss
from imbestimators.under_sampling._one_sided import OneSidedSelection
from imbestimators.under_sampling._random import RandomUnderSampler
from imbestimators.under_sampling._tomek import TomekLinks

__all__ = [
    "AllKNN",
    "ClusterCentroids",
    "CondensedNearestNeighbour",
    "EditedNearestNeighbours",
    "InstanceHardnessThreshold",
    "NearMiss",
    "NeighbourhoodCleaningRule",
    "OneSidedSelection",
    "RandomUnderSampler",
    "RepeatedEditedNearestNeighbours",
    "TomekLinks",
]
