"""joblib's ``delayed`` that carries imbestimators' configuration to the workers.

Our configuration (:func:`imbestimators.set_config`, e.g. the device of the
k-NN engine) is kept per thread, as scikit-learn's is. A joblib worker -- a
thread of the threading backend, a process of loky, a Dask worker -- starts
from the defaults, so a ``config_context(device="cuda")`` around a parallel
fit would silently run the workers' searches on the CPU. scikit-learn solves
this for its own configuration in :func:`sklearn.utils.parallel.delayed`;
this ``delayed`` does the same for ours, on top of scikit-learn's.
"""

import functools

from sklearn.utils.parallel import delayed as _sklearn_delayed

from imbestimators._config import config_context, get_config

__all__ = ["delayed"]


def delayed(function):
    """Decorate ``function`` for joblib, with the caller's configuration.

    Like :func:`sklearn.utils.parallel.delayed` (use it with
    :class:`sklearn.utils.parallel.Parallel`); in addition, the
    imbestimators configuration of the thread that creates the task is set
    in the worker while the task runs.

    Parameters
    ----------
    function : callable
        The function to run in a worker.

    Returns
    -------
    callable
        A function that returns ``(function, args, kwargs)`` for joblib.

    Examples
    --------
    >>> from sklearn.utils.parallel import Parallel
    >>> from imbestimators import config_context, get_config
    >>> from imbestimators.utils._parallel import delayed
    >>> def device():
    ...     return get_config()["device"]
    >>> with config_context(device="auto"):
    ...     Parallel(n_jobs=2, backend="threading")(delayed(device)() for _ in "ab")
    ['auto', 'auto']
    """
    config = get_config()

    @functools.wraps(function)
    def with_config(*args, **kwargs):
        with config_context(**config):
            return function(*args, **kwargs)

    return _sklearn_delayed(with_config)
