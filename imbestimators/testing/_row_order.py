"""A property check for one data set: the sampler ignores the order of the rows.

The property checks of :mod:`imbestimators.testing._checks` draw their own data
sets; this one takes the data set from the caller, because whether a sampler
may depend on row order is the caller's knowledge (a random under-sampler picks
rows by position; a cleaning rule decides from the rows' values) and the data
that break it are specific (:func:`~imbestimators.testing.tied_datasets`).
Call it inside your own hypothesis test.
"""

import warnings
from collections import Counter

import numpy as np
from scipy import sparse
from sklearn.base import clone

from imbestimators.testing._checks import _KINDS, _labels
from imbestimators.utils._validation import is_pandas_frame, is_pandas_series

__all__ = ["check_sampler_row_order_invariance"]

#: rows shown per side when the kept rows differ
_SHOWN = 5


def check_sampler_row_order_invariance(
    sampler, X, y, *, order=None, random_state=0, kind=None
):
    """Check that reordering the rows of ``(X, y)`` does not change the result.

    The sampler (cloned, never modified) resamples ``(X, y)`` and the same rows
    in another order. An under-sampler or cleaning rule must keep the same rows,
    compared as a multiset of (values, label): which copy of a duplicated row is
    kept cannot be seen. An over-sampler, whose synthetic rows are drawn by
    position, must return the original rows and the same class counts.

    This holds for samplers that decide from the rows' values alone, such as
    the editing rules, :class:`~imbestimators.under_sampling.TomekLinks` or
    :class:`~imbestimators.under_sampling.NearMiss`, once distance ties are
    resolved without the row index. Samplers that draw rows by position (random
    under-sampling, condensing from random seeds) need an ``order`` that keeps
    those rows in place. Warnings of the sampler are not failures and are
    silenced.

    Parameters
    ----------
    sampler : object with ``fit_resample``
        The sampler to check, with its parameters (a fixed ``random_state``
        when it has one).
    X : {array-like, dataframe, sparse matrix} of shape (n_samples, n_features)
        The data set, for instance drawn from
        :func:`~imbestimators.testing.tied_datasets`.
    y : array-like of shape (n_samples,)
        Its labels.
    order : array-like of shape (n_samples,), default=None
        The new order of the rows, a permutation of ``range(n_samples)``;
        ``None`` draws one from ``random_state``.
    random_state : int, default=0
        Seed of the permutation drawn when ``order`` is None.
    kind : {"over", "under", "clean"}, default=None
        The kind of sampler; ``None`` reads imbalanced-learn's
        ``_sampling_type``.

    Raises
    ------
    AssertionError
        When the result changes with the order of the rows, listing rows kept
        in one order and not in the other.

    Examples
    --------
    >>> import numpy as np
    >>> from hypothesis import given, settings, strategies as st
    >>> from imbestimators.testing import (
    ...     check_sampler_row_order_invariance, tied_datasets)
    >>> from imbestimators.under_sampling import EditedNearestNeighbours
    >>> @settings(max_examples=5, database=None)
    ... @given(data=tied_datasets(), seed=st.integers(0, 2**16))
    ... def test_enn_ignores_row_order(data, seed):
    ...     X, y = data
    ...     enn = EditedNearestNeighbours(n_neighbors=3)
    ...     check_sampler_row_order_invariance(enn, X, y, random_state=seed)
    >>> test_enn_ignores_row_order()
    """
    if not hasattr(sampler, "fit_resample"):
        raise TypeError(f"sampler must have a fit_resample method; got {sampler!r}.")
    kind = _order_kind(sampler, kind)
    n = len(_labels(y))
    order = _check_order(order, n, random_state)
    X_a, y_a = _resample(sampler, X, y)
    X_b, y_b = _resample(sampler, _take(X, order), _take(y, order))
    if kind == "over":
        # synthetic rows are drawn by position: only the originals and counts
        assert Counter(_labels(y_a).tolist()) == Counter(_labels(y_b).tolist()), (
            f"class counts {Counter(_labels(y_a).tolist())} became "
            f"{Counter(_labels(y_b).tolist())} after reordering the rows"
        )
        X_a, y_a, X_b, y_b = X_a[:n], y_a[:n], X_b[:n], y_b[:n]
    _assert_same_rows(_rows(X_a, y_a), _rows(X_b, y_b))


def _order_kind(sampler, kind):
    kind = kind or _KINDS.get(getattr(sampler, "_sampling_type", None))
    if kind not in ("over", "under", "clean"):
        raise ValueError(
            f"check_sampler_row_order_invariance applies to over-, under- and "
            f"cleaning samplers: pass kind='over', 'under' or 'clean' for "
            f"{type(sampler).__name__}; got kind={kind!r}."
        )
    return kind


def _check_order(order, n, random_state):
    if order is None:
        return np.random.default_rng(random_state).permutation(n)
    order = np.asarray(order)
    if order.shape != (n,) or not np.array_equal(np.sort(order), np.arange(n)):
        raise ValueError(
            f"order must be a permutation of range({n}), one entry per row; got "
            f"an array of shape {order.shape}."
        )
    return order


def _resample(sampler, X, y):
    with warnings.catch_warnings():
        # a warning (e.g. a class emptied by cleaning) is not an order effect
        warnings.simplefilter("ignore")
        return clone(sampler).fit_resample(X, y)


def _take(obj, order):
    if is_pandas_frame(obj) or is_pandas_series(obj):
        return obj.iloc[order]
    if sparse.issparse(obj):
        return obj[order]
    if isinstance(obj, list):
        return [obj[i] for i in order]
    return np.asarray(obj)[order]


def _rows(X, y):
    """The rows as a multiset of (values, label): what row order cannot see."""
    if sparse.issparse(X):
        X = X.toarray()
    elif is_pandas_frame(X):
        X = X.to_numpy()
    values = np.asarray(X).tolist()
    return Counter(zip(map(tuple, values), _labels(y).tolist()))


def _assert_same_rows(rows_a, rows_b):
    if rows_a == rows_b:
        return
    only_a, only_b = rows_a - rows_b, rows_b - rows_a
    raise AssertionError(
        "the rows kept depend on the order of the rows: "
        f"{sum(only_a.values())} kept only in the given order "
        f"{_shown(only_a)}, {sum(only_b.values())} only after reordering "
        f"{_shown(only_b)}; each as ((values), label)"
    )


def _shown(rows):
    listed = list(rows.elements())
    more = f" and {len(listed) - _SHOWN} more" if len(listed) > _SHOWN else ""
    return f"{listed[:_SHOWN]}{more}"
