"""Sampler base classes, built on :mod:`imblearn.base`.

Our bases subclass imbalanced-learn's ``BaseOverSampler``, ``BaseUnderSampler``
and ``BaseCleaningSampler``, so that ``sampling_strategy`` keeps
imbalanced-learn's meaning (it is resolved by
:func:`imblearn.utils.check_sampling_strategy`, except that a float ratio
whose exact target is a whole number gives that number; see
:func:`imbestimators.utils._validation.resolve_sampling_strategy`), the
samplers compose in
:class:`imblearn.pipeline.Pipeline`, and imbalanced-learn's own estimator checks
recognise them.

What we add is a template method :meth:`BaseSampler.fit_resample` that keeps
pandas in -> pandas out with every column's dtype: rows that are copies of
input rows are taken from the input frame itself (no round trip through a
NumPy array), and only synthetic rows are cast back to the input dtypes.
"""

import numbers
import threading
import warnings

import numpy as np
from imblearn.base import BaseSampler as _ImbBaseSampler
from imblearn.over_sampling.base import BaseOverSampler as _ImbBaseOverSampler
from imblearn.under_sampling.base import (
    BaseCleaningSampler as _ImbBaseCleaningSampler,
)
from imblearn.under_sampling.base import BaseUnderSampler as _ImbBaseUnderSampler
from imblearn.utils import check_target_type
from scipy import sparse
from sklearn.preprocessing import label_binarize
from sklearn.utils import check_array
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _num_samples

from imbestimators.exceptions import EmptyClassWarning
from imbestimators.utils._param_validation import _fit_context, validate_data
from imbestimators.utils._validation import (
    cast_like_frame,
    check_X_y_lengths,
    is_pandas_frame,
    is_pandas_series,
    label_repr,
    resolve_sampling_strategy,
)

__all__ = [
    "BaseCleaningSampler",
    "BaseOverSampler",
    "BaseUnderSampler",
    "FunctionSampler",
]


class _AnyValuesMixin:
    """Validation for samplers that only copy rows (the random samplers).

    Any dtype is accepted, strings and missing values included: the values
    are never computed with. Put it before the sampler base in the bases.
    Skipping ``check_array`` for X also skips scikit-learn's length check,
    so the template methods check that X and y have the same length first.
    """

    def _check_X_y(self, X, y, accept_sparse=None):
        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        if _num_samples(X) < 1:
            raise ValueError(
                f"X has {_num_samples(X)} samples; at least 1 is required."
            )
        if not is_pandas_frame(X):
            X = check_array(
                X, dtype=None, accept_sparse=["csr", "csc"], ensure_all_finite=False
            )
        validate_data(self, X=X, y=y, reset=True, skip_check_array=True)
        return X, np.asarray(y), binarize_y


class _SamplerMixin:
    """``fit_resample`` template shared by all our samplers.

    Subclasses implement ``_fit_resample(X, y)`` on validated arrays and return
    ``(X_resampled, y_resampled)`` arrays. Samplers whose output rows are all
    copies of input rows set ``sample_indices_`` and leave ``_copies_rows``
    True; their pandas output is then taken from the input frame by position.
    """

    #: output rows are exactly ``X[sample_indices_]`` when ``sample_indices_`` is set
    _copies_rows = True

    def _check_X_y(self, X, y, accept_sparse=None):
        """Validate X and y; y may be one-vs-all encoded (imbalanced-learn's rule)."""
        if accept_sparse is None:
            accept_sparse = ["csr", "csc"]
        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        X, y = validate_data(self, X=X, y=y, reset=True, accept_sparse=accept_sparse)
        return X, y, binarize_y

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, **params):
        """Validate the input and resolve ``sampling_strategy_``, without resampling.

        Parameters
        ----------
        X : {array-like, dataframe, sparse matrix} of shape (n_samples, n_features)
            Data to resample.
        y : array-like of shape (n_samples,)
            Class labels.
        **params : dict
            Extra parameters for the sampler.

        Returns
        -------
        self : object
            The sampler, with ``sampling_strategy_`` set.
        """
        check_X_y_lengths(X, y, type(self).__name__)
        X, y, _ = self._check_X_y(X, y)
        self.sampling_strategy_ = resolve_sampling_strategy(
            self.sampling_strategy, y, self._sampling_type
        )
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_resample(self, X, y, **params):
        """Resample the dataset.

        Parameters
        ----------
        X : {array-like, dataframe, sparse matrix} of shape (n_samples, n_features)
            Data to resample. It is never modified.
        y : array-like of shape (n_samples,)
            Class labels.
        **params : dict
            Extra parameters for the sampler.

        Returns
        -------
        X_resampled : {ndarray, dataframe, sparse matrix, list} of shape \
                (n_samples_new, n_features)
            Resampled data, of the same container type (and, for a dataframe,
            the same column dtypes) as ``X``.
        y_resampled : {ndarray, series, dataframe, list} of shape (n_samples_new,)
            Labels of ``X_resampled``, of the same container type as ``y``.
        """
        check_X_y_lengths(X, y, type(self).__name__)
        check_classification_targets(y)
        X_in, y_in = X, y
        X, y, binarize_y = self._check_X_y(X, y)
        self.sampling_strategy_ = resolve_sampling_strategy(
            self.sampling_strategy, y, self._sampling_type
        )
        X_res, y_res = self._resample(X, y, **params)
        if binarize_y:
            y_res = label_binarize(y_res, classes=np.unique(y))
        return self._format_X(X_in, X_res), self._format_y(X_in, y_in, y_res)

    def _resample(self, X, y, **params):
        """``_fit_resample``, and what a family of samplers checks on its output."""
        return self._fit_resample(X, y, **params)

    def _format_X(self, X_in, X_res):
        if isinstance(X_in, list):
            return X_res.tolist() if not sparse.issparse(X_res) else X_res
        if not is_pandas_frame(X_in):
            return X_res
        import pandas as pd

        if sparse.issparse(X_res):
            return pd.DataFrame.sparse.from_spmatrix(X_res, columns=X_in.columns)
        if self._copies_rows and hasattr(self, "sample_indices_"):
            return X_in.iloc[self.sample_indices_].reset_index(drop=True)
        return self._synthetic_frame(X_in, X_res)

    def _synthetic_frame(self, X_in, X_res):
        """Frame of the output rows when some are not copies of input rows."""
        return cast_like_frame(X_res, X_in)

    def _format_y(self, X_in, y_in, y_res):
        if isinstance(y_in, list):
            return y_res.tolist()
        if is_pandas_series(y_in):
            import pandas as pd

            y_out = pd.Series(y_res, dtype=y_in.dtype, name=y_in.name)
        elif is_pandas_frame(y_in):
            y_out = cast_like_frame(np.asarray(y_res).reshape(len(y_res), -1), y_in)
        else:
            return y_res
        if is_pandas_frame(X_in):
            y_out.index = range(len(y_out))
        return y_out


class BaseOverSampler(_SamplerMixin, _ImbBaseOverSampler):
    """Base class for our over-samplers.

    Over-samplers keep every original row unchanged and in order and append the
    new rows after them; with a dataframe input the original rows are the
    input frame's own rows.
    """

    def _synthetic_frame(self, X_in, X_res):
        import pandas as pd

        n_original = len(X_in)
        new_rows = cast_like_frame(X_res[n_original:], X_in)
        return pd.concat(
            [X_in.reset_index(drop=True), new_rows], axis=0, ignore_index=True
        )


class BaseUnderSampler(_SamplerMixin, _ImbBaseUnderSampler):
    """Base class for our under-samplers that control the number of samples."""


#: set while a cleaning sampler resamples in this thread: a cleaning step run
#: inside another (NeighbourhoodCleaningRule's editing) leaves the warning about
#: an emptied class to the outer one, whose output has at most the step's rows
_CLEANING = threading.local()


class BaseCleaningSampler(_SamplerMixin, _ImbBaseCleaningSampler):
    """Base class for our cleaning under-samplers (data-driven counts).

    A cleaning rule promises no count, but it never removes a whole class in
    silence: ``fit_resample`` warns with an
    :class:`~imbestimators.exceptions.EmptyClassWarning` when its output has no
    row of a class of ``y``.
    """

    #: why a rule may remove a whole class, for the warning; a sampler whose
    #: rule allows a more precise reason may say it here
    _emptied_class_reason = (
        "Its rule looks at each row's neighbourhood, which is tie-inclusive "
        "(every row as close as the n-th nearest counts): where rows of other "
        "classes lie at the same distance or nearer, as with rows repeated "
        "under several labels or constant or one-hot columns, it can remove a "
        "whole class."
    )

    def _resample(self, X, y, **params):
        outermost = not getattr(_CLEANING, "active", False)
        _CLEANING.active = True
        try:
            X_res, y_res = super()._resample(X, y, **params)
        finally:
            if outermost:
                _CLEANING.active = False
        if outermost:
            self._warn_emptied_classes(y, y_res)
        return X_res, y_res

    def _warn_emptied_classes(self, y, y_res):
        classes, counts = np.unique(y, return_counts=True)
        emptied = ~np.isin(classes, np.unique(y_res))
        if not emptied.any():
            return
        listing = " and ".join(
            f"class {label_repr(klass)} ({count} rows)"
            for klass, count in zip(classes[emptied].tolist(), counts[emptied])
        )
        warnings.warn(
            f"{type(self).__name__}(sampling_strategy={self.sampling_strategy!r}) "
            f"removed every row of {listing}: the resampled data have no row of "
            f"{'this class' if emptied.sum() == 1 else 'these classes'}. "
            f"{self._emptied_class_reason} To keep a class, leave it out of "
            "sampling_strategy (pass the list of the classes to clean), or "
            "remove rows repeated under several labels first.",
            EmptyClassWarning,
            # the caller of fit_resample (through _resample and _fit_context)
            stacklevel=5,
        )


def _identity(X, y):
    return X, y


def _describe_output(output):
    if isinstance(output, tuple):
        return f"a tuple of {len(output)} values"
    return f"a {type(output).__name__}"


class FunctionSampler(_SamplerMixin, _ImbBaseSampler):
    """Construct a sampler from an arbitrary callable.

    The twin of :class:`imblearn.FunctionSampler`: ``fit_resample`` returns
    ``func(X, y, **kw_args)``. With ``validate=True`` the input is checked as
    for any sampler and a dataframe in gives a dataframe out; with
    ``validate=False`` X and y reach ``func`` untouched, whatever their
    container, and its output is returned as it is.

    Parameters
    ----------
    func : callable, default=None
        Called as ``func(X, y, **kw_args)``; it returns ``(X_resampled,
        y_resampled)``, or ``(X_resampled, y_resampled, extra)`` (e.g. the
        sample weights of the new rows), in which case ``fit_resample``
        returns the three, ``extra`` as ``func`` gave it. None is the
        identity.
    accept_sparse : bool, default=True
        Whether sparse X is accepted (only checked when ``validate=True``).
    kw_args : dict, default=None
        Keyword arguments passed to ``func``.
    validate : bool, default=True
        Whether to validate X and y. Turn it off to resample data of any
        type (strings, missing values, lists of objects, ...).

    Attributes
    ----------
    sampling_strategy_ : str
        Always ``"auto"``: the function decides the counts.
    n_features_in_ : int
        Number of features seen in ``fit`` (only when ``validate=True``).
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen in ``fit``, when they are all strings
        (only when ``validate=True``).

    See Also
    --------
    sklearn.preprocessing.FunctionTransformer : Stateless transformer.

    Examples
    --------
    >>> import numpy as np
    >>> from imbestimators import FunctionSampler
    >>> X = np.arange(20).reshape(10, 2)
    >>> y = np.array([0] * 7 + [1] * 3)
    >>> def keep_first(X, y, n):
    ...     return X[:n], y[:n]
    >>> sampler = FunctionSampler(func=keep_first, kw_args={"n": 4})
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> X_res.shape, y_res.tolist()
    ((4, 2), [0, 0, 0, 0])
    """

    _sampling_type = "bypass"
    # not a parameter: the function decides the counts (imbalanced-learn's
    # FunctionSampler keeps the same fixed value)
    sampling_strategy = "auto"
    # the function's output rows need not be rows of X
    _copies_rows = False

    _parameter_constraints: dict = {
        "func": [callable, None],
        "accept_sparse": ["boolean"],
        "kw_args": [dict, None],
        "validate": ["boolean"],
    }

    def __init__(self, *, func=None, accept_sparse=True, kw_args=None, validate=True):
        self.func = func
        self.accept_sparse = accept_sparse
        self.kw_args = kw_args
        self.validate = validate

    def _check_X_y(self, X, y, accept_sparse=None):
        if sparse.issparse(X) and not self.accept_sparse:
            raise TypeError(
                f"FunctionSampler(accept_sparse=False) got a sparse "
                f"{type(X).__name__} X; pass X.toarray(), or set "
                "accept_sparse=True if func handles sparse input."
            )
        return super()._check_X_y(X, y)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, **params):
        """Check the input (when ``validate=True``), without resampling.

        Parameters
        ----------
        X : {array-like, dataframe, sparse matrix} of shape (n_samples, n_features)
            Data.
        y : array-like of shape (n_samples,)
            Labels.
        **params : dict
            Unused, for API consistency.

        Returns
        -------
        self : object
            The sampler, with ``sampling_strategy_`` set.
        """
        if self.validate:
            check_classification_targets(y)
            return super().fit(X, y, **params)
        self.sampling_strategy_ = self.sampling_strategy
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_resample(self, X, y, **params):
        """Resample with ``func(X, y, **kw_args)``.

        Parameters
        ----------
        X : {array-like, dataframe, sparse matrix} of shape (n_samples, n_features)
            Data; with ``validate=False``, anything ``func`` accepts.
        y : array-like of shape (n_samples,)
            Labels; with ``validate=False``, anything ``func`` accepts.
        **params : dict
            Unused, for API consistency.

        Returns
        -------
        X_resampled : {ndarray, dataframe, sparse matrix, list}
            What ``func`` returned, in the container type of ``X`` when
            ``validate=True``.
        y_resampled : {ndarray, series, list}
            What ``func`` returned, in the container type of ``y`` when
            ``validate=True``.
        extra : object
            Only when ``func`` returns three values: its third, unchanged.
        """
        if not self.validate:
            self.sampling_strategy_ = self.sampling_strategy
            return self._apply(X, y)
        X_res, y_res = super().fit_resample(X, y, **params)
        extra = self.__dict__.pop("_extra_output", ())
        return (X_res, y_res, *extra)

    def _apply(self, X, y):
        func = _identity if self.func is None else self.func
        output = func(X, y, **(self.kw_args or {}))
        if not isinstance(output, tuple) or len(output) not in (2, 3):
            raise TypeError(
                "FunctionSampler: func must return (X_resampled, y_resampled) "
                "or (X_resampled, y_resampled, extra); got "
                f"{_describe_output(output)}."
            )
        return output

    def _fit_resample(self, X, y, **params):
        X_res, y_res, *extra = self._apply(X, y)
        # the validated path formats X and y only; a third output (e.g. the
        # new rows' sample weights) is handed back by fit_resample untouched
        self._extra_output = tuple(extra)
        return X_res, y_res

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = self.accept_sparse
        return tags


def check_class_sizes(y, targeted, n_required, *, parameter, value, estimator, hint):
    """Raise a ValueError naming every targeted class with too few samples.

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Labels.
    targeted : iterable
        Classes the sampler works on.
    n_required : int
        Minimum number of samples each targeted class needs.
    parameter : str
        Name of the parameter that sets the requirement, e.g. ``"k_neighbors"``.
    value : object
        Its value, as shown in the message.
    estimator : str
        Name of the estimator.
    hint : str
        How the user can fix it.
    """
    classes, counts = np.unique(y, return_counts=True)
    count_of = dict(zip(classes.tolist(), counts.tolist()))
    too_small = [
        (klass, count_of.get(klass, 0))
        for klass in targeted
        if count_of.get(klass, 0) < n_required
    ]
    if not too_small:
        return
    listing = ", ".join(
        f"class {label_repr(klass)} has {count}" for klass, count in too_small
    )
    raise ValueError(
        f"{estimator}: {parameter}={value} needs at least {n_required} samples in "
        f"each resampled class, but {listing}. {hint}"
    )


def n_neighbors_from(param, name):
    """Number of neighbours a ``k_neighbors``-style parameter asks for.

    An int is the number itself; a neighbours estimator (imbalanced-learn's
    convention) counts the sample itself, so it asks for ``n_neighbors - 1``.
    """
    if isinstance(param, numbers.Integral):
        return int(param)
    n = getattr(param, "n_neighbors", None)
    if not isinstance(n, numbers.Integral) or n < 2:
        raise ValueError(
            f"{name} must be an int or a neighbours estimator with an integer "
            f"n_neighbors >= 2 (it counts the sample itself); got {param!r}."
        )
    return int(n) - 1


def neighbors_estimator(param):
    """The user's neighbours estimator, or None when ``param`` is an int."""
    return None if isinstance(param, numbers.Integral) else param
