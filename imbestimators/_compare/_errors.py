"""The one error type of the compare command: a message for the user, exit code 2."""

__all__ = ["CompareError"]


class CompareError(ValueError):
    """A problem with the user's input, reported in one line without a traceback."""
