"""The helpers imbalanced-learn exports from ``imblearn.utils``, as twins.

``check_sampling_strategy`` is our samplers' own resolver
(:func:`~imbestimators.utils._validation.resolve_sampling_strategy`); the other
three are small rewrites with the same signatures and results, except where
imbalanced-learn silently returns something wrong (noted in each docstring).
"""

import numbers

import numpy as np
from scipy import sparse
from sklearn.base import clone
from sklearn.neighbors import NearestNeighbors
from sklearn.utils import column_or_1d
from sklearn.utils.multiclass import type_of_target

from imbestimators.utils._validation import resolve_sampling_strategy

__all__ = [
    "Substitution",
    "check_neighbors_object",
    "check_sampling_strategy",
    "check_target_type",
]


def check_neighbors_object(nn_name, nn_object, additional_neighbor=0):
    """Build or clone the k-nearest-neighbours object of a sampler.

    The twin of :func:`imblearn.utils.check_neighbors_object`. An int
    becomes a :class:`~sklearn.neighbors.NearestNeighbors` with
    ``nn_object + additional_neighbor`` neighbours; an object with
    ``kneighbors`` and ``kneighbors_graph`` is cloned, so the sampler never
    fits the user's instance.

    Parameters
    ----------
    nn_name : str
        Name of the parameter, for the error message.

    nn_object : int or KNeighborsMixin
        Number of neighbours, or a k-nearest-neighbours estimator.

    additional_neighbor : int, default=0
        Neighbours to add to an int, for instance 1 for the sample itself.

    Returns
    -------
    nn_object : KNeighborsMixin
        A new, unfitted k-nearest-neighbours estimator.

    Raises
    ------
    TypeError
        When ``nn_object`` is neither an int nor an object with
        ``kneighbors`` and ``kneighbors_graph``. imbalanced-learn clones any
        estimator here and fails later, inside the sampler.

    Examples
    --------
    >>> from imbestimators.utils import check_neighbors_object
    >>> check_neighbors_object("k_neighbors", 5, additional_neighbor=1)
    NearestNeighbors(n_neighbors=6)
    """
    if isinstance(nn_object, numbers.Integral):
        return NearestNeighbors(n_neighbors=nn_object + additional_neighbor)
    if not all(hasattr(nn_object, m) for m in ("kneighbors", "kneighbors_graph")):
        raise TypeError(
            f"{nn_name} must be an int or a k-nearest-neighbours estimator (with "
            f"kneighbors and kneighbors_graph, such as NearestNeighbors); got "
            f"{nn_object!r} of type {type(nn_object).__name__}."
        )
    return clone(nn_object)


def check_sampling_strategy(sampling_strategy, y, sampling_type, **kwargs):
    """Resolve a sampler's ``sampling_strategy`` into a count per class.

    The twin of :func:`imblearn.utils.check_sampling_strategy`, and the
    function our samplers use. Strings, dicts, lists and callables give
    imbalanced-learn's result; a float ratio whose exact target is a whole
    number gives that number, where imbalanced-learn, computing in binary
    floating point, often gives one less (``100 * 0.29`` is
    ``28.999999999999996``; imbalanced-learn issue #1215).

    Parameters
    ----------
    sampling_strategy : float, str, dict, list or callable
        The sampler's parameter, with imbalanced-learn's meaning: a ratio
        (binary targets), ``'minority'``, ``'majority'``, ``'not minority'``,
        ``'not majority'``, ``'all'``, ``'auto'``, a dict class -> count, a
        list of classes (cleaning samplers), or a callable ``y`` -> dict.

    y : ndarray of shape (n_samples,)
        The target.

    sampling_type : {'over-sampling', 'under-sampling', 'clean-sampling', \
'ensemble', 'bypass'}
        The kind of sampler; ``'ensemble'`` and ``'bypass'`` return
        ``sampling_strategy`` unchanged.

    **kwargs : dict
        Passed to a callable ``sampling_strategy``.

    Returns
    -------
    sampling_strategy_converted : OrderedDict
        Samples to add per class (over-sampling) or to keep per class
        (under- and clean-sampling), sorted by class.

    Examples
    --------
    >>> import numpy as np
    >>> from imbestimators.utils import check_sampling_strategy
    >>> y = np.array([0] * 100 + [1] * 20)
    >>> check_sampling_strategy("auto", y, "over-sampling")
    OrderedDict([(np.int64(1), np.int64(80))])
    >>> check_sampling_strategy(0.29, y, "over-sampling")  # imblearn: 8
    OrderedDict([(np.int64(1), 9)])
    """
    return resolve_sampling_strategy(sampling_strategy, y, sampling_type, **kwargs)


def check_target_type(y, indicate_one_vs_all=False):
    """Check that samplers support the target, and make it 1-D.

    The twin of :func:`imblearn.utils.check_target_type`. Binary and
    multiclass targets are returned as a 1-D array; a one-vs-all
    (one-hot) indicator matrix becomes the column index of each row's 1.

    Parameters
    ----------
    y : array-like or sparse matrix
        The target.

    indicate_one_vs_all : bool, default=False
        Also return whether ``y`` was one-vs-all encoded.

    Returns
    -------
    y : ndarray of shape (n_samples,)
        The 1-D target.

    is_one_vs_all : bool
        Whether ``y`` was one-vs-all encoded; only returned if
        ``indicate_one_vs_all=True``.

    Raises
    ------
    ValueError
        For a multilabel target (a row with several 1s), as in
        imbalanced-learn, and for an indicator row with no 1 at all, which
        imbalanced-learn silently assigns to the first class.

    Examples
    --------
    >>> import numpy as np
    >>> from imbestimators.utils import check_target_type
    >>> check_target_type(np.array([[1, 0], [0, 1], [0, 1]]), indicate_one_vs_all=True)
    (array([0, 1, 1]), True)
    """
    is_one_vs_all = type_of_target(y) == "multilabel-indicator"
    y = _indicator_to_labels(y) if is_one_vs_all else column_or_1d(y)
    return (y, is_one_vs_all) if indicate_one_vs_all else y


def _indicator_to_labels(y):
    """Column index of the single 1 of each row of a one-vs-all matrix."""
    y = y.toarray() if sparse.issparse(y) else np.asarray(y)
    n_labels = (y != 0).sum(axis=1)
    if np.any(n_labels > 1):
        raise ValueError(
            "Samplers support binary, multiclass and binarized (one-vs-all) "
            "multiclass targets. Multilabel and multioutput targets are not "
            f"supported: {_rows(n_labels > 1)} of the indicator target have several 1s."
        )
    if np.any(n_labels == 0):
        raise ValueError(
            f"The one-vs-all target has no class in {_rows(n_labels == 0)}: each "
            "row needs exactly one 1. Drop the unlabelled rows or pass 1-D labels."
        )
    return y.argmax(axis=1)


def _rows(mask):
    """'rows [3, 7, ...]' for a boolean mask, at most five indices."""
    rows = np.flatnonzero(mask)
    more = " ..." if rows.size > 5 else ""
    return f"{rows.size} row(s) ({rows[:5].tolist()}{more})"


class Substitution:
    """Fill the ``{placeholders}`` of a function's or class' docstring.

    The twin of :class:`imblearn.utils.Substitution`: a decorator built with
    either positional or keyword values (not both) that formats the
    decorated object's docstring with them, and does nothing when there is
    no docstring (``python -OO``).

    Parameters
    ----------
    *args : tuple
        Values for ``{0}``, ``{1}`` ... (imbalanced-learn formats with
        keywords only, so its positional form raises a TypeError).

    **kwargs : dict
        Values for the named placeholders.

    Examples
    --------
    >>> from imbestimators.utils import Substitution
    >>> @Substitution(what="the minority class")
    ... def f():
    ...     '''Resample {what}.'''
    >>> f.__doc__
    'Resample the minority class.'
    """

    def __init__(self, *args, **kwargs):
        if args and kwargs:
            raise AssertionError("Only positional or keyword args are allowed")
        self.params = args or kwargs

    def __call__(self, obj):
        if obj.__doc__:
            if isinstance(self.params, tuple):
                obj.__doc__ = obj.__doc__.format(*self.params)
            else:
                obj.__doc__ = obj.__doc__.format(**self.params)
        return obj
