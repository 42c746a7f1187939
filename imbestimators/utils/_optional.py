"""Lazy imports of optional dependencies with errors that name the pip extra."""

import importlib

__all__ = ["import_optional"]

# module name -> the extra of imbestimators that installs it
_EXTRAS = {
    "torch": "torch",
    "skorch": "torch",
    "hypothesis": "testing",
    "matplotlib": "plot",
    "pandas": "pandas",
}


def import_optional(name: str, *, purpose: str | None = None):
    """Import an optional dependency or raise an ImportError naming the extra.

    Parameters
    ----------
    name : str
        Module to import, e.g. ``"torch"`` or ``"matplotlib.pyplot"``.
    purpose : str, default=None
        What the caller needs the module for, added to the message.

    Returns
    -------
    module : module
        The imported module.

    Examples
    --------
    >>> from imbestimators.utils import import_optional
    >>> np = import_optional("numpy")
    >>> np.__name__
    'numpy'
    """
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        top = name.split(".")[0]
        extra = _EXTRAS.get(top)
        hint = (
            f"pip install 'imbestimators[{extra}]'" if extra else f"pip install {top}"
        )
        what = f" {purpose}" if purpose else ""
        raise ImportError(
            f"{top!r} is required{what} but is not installed. Install it with: {hint}"
        ) from exc
