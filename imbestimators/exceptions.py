"""Public warning and error classes of imbestimators."""

__all__ = [
    "ConstraintNotMetWarning",
    "InsufficientSamplesWarning",
    "NoSyntheticSamplesWarning",
]


class ConstraintNotMetWarning(UserWarning):
    """Warning raised when no decision rule meets a constraint's floor.

    :class:`~imbestimators.model_selection.ThresholdTunedClassifier` then uses
    the rule that comes closest to the floor; the message names the best value
    reached.
    """


class InsufficientSamplesWarning(UserWarning):
    """Warning raised when a class is too small for the requested operation."""


class NoSyntheticSamplesWarning(UserWarning):
    """Warning raised when an over-sampler could not generate any sample for a class.

    BorderlineSMOTE, for instance, only generates samples from minority samples
    "in danger"; when a class has none, the class is left as it is.
    """
