"""Public warning and error classes of imbestimators."""

__all__ = [
    "ConstraintNotMetWarning",
    "DeviceFallbackWarning",
    "EmptyClassWarning",
    "FallbackWarning",
    "InsufficientSamplesWarning",
]


class ConstraintNotMetWarning(UserWarning):
    """Warning raised when no decision rule meets a constraint's floor.

    :class:`~imbestimators.model_selection.ThresholdTunedClassifier` then uses
    the rule that comes closest to the floor; the message names the best value
    reached.
    """


class DeviceFallbackWarning(UserWarning):
    """Warning raised when a fitted model is loaded on another device.

    A :class:`~imbestimators.neural.FocalLossMLPClassifier` fitted on a GPU
    and unpickled where that device does not exist (no GPU, a CPU-only build
    of torch, fewer GPUs) is loaded on the CPU, where it predicts the same
    probabilities up to floating-point rounding; ``to_device`` moves it
    elsewhere.
    """


class EmptyClassWarning(UserWarning):
    """Warning raised when a cleaning sampler removes every row of a class.

    A cleaning rule has no target count: it removes the rows its rule finds
    noisy, redundant or on a class border, and on data where rows of several
    classes coincide or lie at equal distances (duplicated rows, constant or
    one-hot columns) that can be every row of a class. The output then has no
    row of that class, which a classifier fitted on it can never predict. The
    message names the sampler, each class removed and its number of rows, and
    how to keep it. Raised once per ``fit_resample``, by the outermost cleaning
    sampler (:class:`~imbestimators.under_sampling.NeighbourhoodCleaningRule`
    reports what its editing step removed); inside
    :class:`~imbestimators.combine.SMOTEENN` or
    :class:`~imbestimators.combine.SMOTETomek`, by their cleaning step.
    """


class FallbackWarning(UserWarning):
    """Warning raised when a sampler falls back to a simpler rule for a class.

    It happens where the sampler's own rule is undefined. The requested number
    of rows is still generated; the message names the class, why the rule does
    not apply, and what was done. For instance,
    :class:`~imbestimators.over_sampling.BorderlineSMOTE` interpolates as plain
    SMOTE for a class with no row in danger, and
    :class:`~imbestimators.over_sampling.ADASYN` uses uniform weights for a
    class none of whose rows has a neighbour of another class.
    """


class InsufficientSamplesWarning(UserWarning):
    """Warning raised when a class is too small for the requested operation."""
