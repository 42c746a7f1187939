"""Global configuration of imbestimators, in the style of ``sklearn._config``.

One setting today: ``device``, the hardware the k-nearest-neighbours engine
runs on. Like scikit-learn's configuration it is kept per thread: each thread
starts from the defaults, :func:`set_config` changes the calling thread's
setting and :func:`config_context` changes it for a ``with`` block.
"""

import importlib.util
import re
import threading
from contextlib import contextmanager

__all__ = ["config_context", "get_config", "set_config"]

_global_config = {"device": "cpu"}
_threadlocal = threading.local()

_DEVICES = ("cpu", "cpu-torch", "cuda", "cuda:N", "auto")
_CUDA_DEVICE = re.compile(r"cuda(:\d+)?")


def _get_threadlocal_config():
    """The calling thread's mutable configuration, created from the defaults."""
    if not hasattr(_threadlocal, "config"):
        _threadlocal.config = _global_config.copy()
    return _threadlocal.config


def get_config():
    """Retrieve the current configuration of imbestimators.

    Returns
    -------
    config : dict
        Keys are the parameter names of :func:`set_config`. A copy: changing
        it changes nothing.

    See Also
    --------
    config_context : Context manager for the configuration.
    set_config : Set the configuration.

    Examples
    --------
    >>> import imbestimators
    >>> imbestimators.get_config()["device"]
    'cpu'
    """
    return _get_threadlocal_config().copy()


def set_config(device=None):
    """Set the configuration of imbestimators for the calling thread.

    Parameters
    ----------
    device : str, default=None
        Where the exact k-nearest-neighbours engine, which every sampler and
        diagnostic uses, runs:

        - ``"cpu"``: the NumPy engine (the initial value);
        - ``"cuda"`` or ``"cuda:N"``: torch on a CUDA GPU (the current one,
          or number ``N``);
        - ``"cpu-torch"``: torch on the CPU, mostly for testing;
        - ``"auto"``: a CUDA GPU when torch sees one, else the NumPy engine.

        The neighbours found are the same on every device. Sparse input is
        always searched by the NumPy engine. ``None`` leaves the setting
        unchanged. Torch is needed for every device but ``"cpu"`` and
        ``"auto"``; whether the GPU exists is checked when the engine is used.

    Raises
    ------
    TypeError
        If ``device`` is not a string.
    ValueError
        If ``device`` is not one of the values above.
    ImportError
        If ``device`` needs torch and torch is not installed.

    See Also
    --------
    config_context : Context manager for the configuration.
    get_config : Retrieve the current configuration.

    Notes
    -----
    As in scikit-learn, the configuration belongs to the thread that sets it:
    other threads, and worker processes started by joblib, keep their own
    (by default ``"cpu"``).

    Examples
    --------
    >>> import imbestimators
    >>> imbestimators.set_config(device="auto")
    >>> imbestimators.get_config()["device"]
    'auto'
    >>> imbestimators.set_config(device="cpu")
    """
    local_config = _get_threadlocal_config()
    if device is not None:
        local_config["device"] = _check_device(device)


@contextmanager
def config_context(*, device=None):
    """Context manager that changes the configuration inside a ``with`` block.

    Parameters
    ----------
    device : str, default=None
        Device of the k-nearest-neighbours engine: ``"cpu"``, ``"cpu-torch"``,
        ``"cuda"``, ``"cuda:N"`` or ``"auto"`` (see :func:`set_config`).
        ``None`` keeps the current value.

    Yields
    ------
    None.

    See Also
    --------
    set_config : Set the configuration.
    get_config : Retrieve the current configuration.

    Notes
    -----
    Every setting is restored when the block exits, even by an exception.

    Examples
    --------
    >>> import imbestimators
    >>> with imbestimators.config_context(device="auto"):
    ...     imbestimators.get_config()["device"]
    'auto'
    >>> imbestimators.get_config()["device"]
    'cpu'
    """
    old_config = get_config()
    set_config(device=device)
    try:
        yield
    finally:
        # restored as it was, without validating it again
        _get_threadlocal_config().update(old_config)


def _check_device(device):
    """Validate a ``device`` value; torch is looked for but not imported."""
    if not isinstance(device, str):
        raise TypeError(
            f"device must be a str, one of {', '.join(map(repr, _DEVICES))}; "
            f"got {device!r} of type {type(device).__name__}."
        )
    if device not in ("cpu", "cpu-torch", "auto") and not _CUDA_DEVICE.fullmatch(
        device
    ):
        raise ValueError(
            f"device must be one of {', '.join(map(repr, _DEVICES))} "
            f"(N a GPU number such as 0); got {device!r}."
        )
    needs_torch = device not in ("cpu", "auto")
    if needs_torch and importlib.util.find_spec("torch") is None:
        # the wording of imbestimators.utils.import_optional, which cannot be
        # imported here without loading the whole utils package
        raise ImportError(
            f"'torch' is required for device={device!r} but is not installed. "
            "Install it with: pip install 'imbestimators[torch]'"
        )
    return device
