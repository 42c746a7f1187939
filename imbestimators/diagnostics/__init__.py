"""Diagnostics of class imbalance: how severe, what will break, what to try."""

from imbestimators.diagnostics._imbalance import ImbalanceReport, imbalance_report

__all__ = ["ImbalanceReport", "imbalance_report"]
