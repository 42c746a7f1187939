"""Turn data sets into imbalanced ones (nothing here downloads)."""

from imbestimators.datasets._imbalance import make_imbalance

__all__ = ["make_imbalance"]
