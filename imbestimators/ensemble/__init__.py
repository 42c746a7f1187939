"""Balanced ensembles: each member is fitted on its own resample of the data.

The twins of imbalanced-learn's ensembles, with the same names, parameters
and fitted attributes; every member resamples with imbestimators' samplers.
"""

__all__ = []
