"""Public warning and error classes of imbestimators."""

__all__ = ["InsufficientSamplesWarning", "NoSyntheticSamplesWarning"]


class InsufficientSamplesWarning(UserWarning):
    """Warning raised when a class is too small for the requested operation."""


class NoSyntheticSamplesWarning(UserWarning):
    """Warning raised when an over-sampler could not generate any sample for a class.

    BorderlineSMOTE, for instance, only generates samples from minority samples
    "in danger"; when a class has none, the class is left as it is.
    """
