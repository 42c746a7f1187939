"""The Value Difference Metric between rows of categorical codes."""

import numbers

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from imbestimators.utils._param_validation import (
    Interval,
    StrOptions,
    _fit_context,
    validate_data,
)

__all__ = ["ValueDifferenceMetric"]

# a feature with at most this many categories gets a precomputed table of its
# category-to-category distances (8 MB); beyond, distances are computed per block
_MAX_TABLE_CATEGORIES = 1024
# output entries of one tile: 512 KB of float64 stays in cache while the
# features are added into it
_TILE_ENTRIES = 2**16
# bound on the column-gathered tables of one column tile, in entries
_GATHERED_ENTRIES = 2**22


class ValueDifferenceMetric(BaseEstimator):
    r"""Value Difference Metric (VDM) between rows of categorical features.

    Two categories of a feature are close when they predict the classes alike.
    With :math:`p(c \mid x_f)` the share of class :math:`c` among the training
    rows whose feature :math:`f` takes value :math:`x_f`, the distance between
    two values of a feature is

    .. math::
       \delta(x_f, y_f) = \Big(\sum_{c=1}^{C}
       |p(c \mid x_f) - p(c \mid y_f)|^{k}\Big)^{1/k}

    and the distance between two rows is
    :math:`\Delta(x, y) = \sum_{f=1}^{F} \delta(x_f, y_f)^{r}` [1]_. A drop-in
    replacement for :class:`imblearn.metrics.pairwise.ValueDifferenceMetric`
    (same parameters, attributes and distances) whose :meth:`pairwise` is
    computed in blocks, without temporaries of the size of the result.

    Read more in the :ref:`User Guide <over_sampling>`.

    Parameters
    ----------
    n_categories : "auto" or array-like of shape (n_features,), default="auto"
        Number of categories of each feature. ``"auto"`` takes the largest
        code seen in ``fit`` plus one; give the counts (e.g. from an
        :class:`~sklearn.preprocessing.OrdinalEncoder`'s ``categories_``) when
        some codes may be absent from the training rows.

    k : int, default=1
        Exponent of the distance between two values of a feature (at least 1).

    r : int, default=2
        Exponent applied to each feature's distance before they are summed
        (at least 1).

    Attributes
    ----------
    n_categories_ : ndarray of shape (n_features,)
        Number of categories of each feature.
    proba_per_class_ : list of ndarray of shape (n_categories, n_classes)
        For each feature, the share of each class (columns, in sorted label
        order) among the training rows of each category (rows); a category
        absent from the training rows has a row of zeros.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit``, when they are strings.

    See Also
    --------
    imbestimators.over_sampling.SMOTEN : SMOTE for categorical data, on this
        metric.

    Notes
    -----
    ``X`` holds category codes: non-negative integers, as an
    :class:`~sklearn.preprocessing.OrdinalEncoder` produces (integer, float or
    object arrays of whole numbers are accepted). Values that are not whole
    numbers, negative codes, and codes beyond ``n_categories`` raise a
    ``ValueError``; imbalanced-learn truncates such values to ``int32``
    silently, or fails with an ``IndexError``.

    Each row distance is summed feature after feature, in column order, as in
    imbalanced-learn, so equal rows are at distance exactly 0 and the same
    pair of rows always gets the same float64 distance. :meth:`pairwise`
    builds, per feature with at most 1024 categories, the table of distances
    between its categories, then adds the features' table entries tile by
    tile; its memory is the result plus a few MB.

    References
    ----------
    .. [1] C. Stanfill, D. Waltz, "Toward memory-based reasoning",
       Communications of the ACM, 29(12), 1213-1228, 1986.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.preprocessing import OrdinalEncoder
    >>> from imbestimators.metrics.pairwise import ValueDifferenceMetric
    >>> X = np.array(["green"] * 10 + ["red"] * 10 + ["blue"] * 10).reshape(-1, 1)
    >>> y = [1] * 8 + [0] * 5 + [1] * 7 + [0] * 9 + [1]
    >>> encoder = OrdinalEncoder(dtype=np.int32)
    >>> X_encoded = encoder.fit_transform(X)
    >>> vdm = ValueDifferenceMetric().fit(X_encoded, y)
    >>> vdm.pairwise(X_encoded).shape
    (30, 30)
    >>> X_test = encoder.transform(np.array([["green"], ["red"], ["blue"]]))
    >>> vdm.pairwise(X_test).round(2)
    array([[0.  , 0.04, 1.96],
           [0.04, 0.  , 1.44],
           [1.96, 1.44, 0.  ]])
    """

    _parameter_constraints: dict = {
        "n_categories": [StrOptions({"auto"}), "array-like"],
        "k": [Interval(numbers.Integral, 1, None, closed="left")],
        "r": [Interval(numbers.Integral, 1, None, closed="left")],
    }

    def __init__(self, *, n_categories="auto", k=1, r=2):
        self.n_categories = n_categories
        self.k = k
        self.r = r

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Compute the class shares of each category.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Category codes (non-negative integers, e.g. from an
            :class:`~sklearn.preprocessing.OrdinalEncoder`).
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self : object
            The fitted metric.
        """
        X, y = validate_data(self, X=X, y=y, reset=True, dtype=None)
        check_classification_targets(y)
        codes = _as_codes(X, "X")
        self.n_categories_ = self._resolve_n_categories(codes)
        _check_codes_below(codes, self.n_categories_, "X", "n_categories")
        _, y_encoded = np.unique(y, return_inverse=True)
        n_classes = int(y_encoded.max()) + 1
        self.proba_per_class_ = [
            _class_shares(codes[:, j], y_encoded, n_cat, n_classes)
            for j, n_cat in enumerate(self.n_categories_.tolist())
        ]
        return self

    def _resolve_n_categories(self, codes):
        if isinstance(self.n_categories, str):  # "auto"
            return codes.max(axis=0).astype(np.int64) + 1
        n_categories = np.asarray(self.n_categories)
        if n_categories.ndim != 1 or len(n_categories) != codes.shape[1]:
            raise ValueError(
                "The length of n_categories is not consistent with the number of "
                f"features in X: n_categories has {n_categories.size} elements "
                f"and X has {codes.shape[1]} features; give one count per feature."
            )
        if n_categories.dtype.kind not in "iuf" or not np.all(
            (n_categories >= 1) & (n_categories == np.floor(n_categories))
        ):
            raise ValueError(
                "n_categories must hold positive whole numbers (one count per "
                f"feature); got {n_categories.tolist()}."
            )
        return n_categories.astype(np.int64)

    def pairwise(self, X, Y=None):
        """Compute the VDM between every row of ``X`` and every row of ``Y``.

        Parameters
        ----------
        X : array-like of shape (n_samples_X, n_features)
            Category codes, encoded as in ``fit``.
        Y : array-like of shape (n_samples_Y, n_features), default=None
            Category codes; ``None`` means ``X``.

        Returns
        -------
        distance_matrix : ndarray of shape (n_samples_X, n_samples_Y)
            The VDM between the rows, in float64.
        """
        check_is_fitted(self)
        codes_X = self._transform_codes(X, "X")
        codes_Y = codes_X if Y is None else self._transform_codes(Y, "Y")
        return _VDMKernel(self.proba_per_class_, self.k, self.r).distances(
            codes_X, codes_Y
        )

    def _transform_codes(self, X, name):
        X = validate_data(self, X=X, reset=False, dtype=None)
        codes = _as_codes(X, name)
        _check_codes_below(codes, self.n_categories_, name, "n_categories_")
        return codes

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = True
        tags.target_tags.required = True
        return tags


def _as_codes(X, name):
    """``X`` as an integer array of non-negative whole numbers, or a ValueError."""
    if X.dtype.kind in "iub":
        codes = X.astype(np.intp, copy=False)
    else:
        try:
            values = np.asarray(X, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"ValueDifferenceMetric expects {name} to hold category codes "
                "(non-negative integers, e.g. from "
                "sklearn.preprocessing.OrdinalEncoder), but it holds values that "
                f"are not numbers: {exc}. Encode the categories first."
            ) from exc
        fractional = values != np.floor(values)
        if fractional.any():
            row, col = np.argwhere(fractional)[0]
            value = values[row, col].item()
            raise ValueError(
                f"ValueDifferenceMetric expects {name} to hold category codes "
                f"(whole numbers), but {name}[{row}, {col}] = {value!r}. "
                "Encode the categories with sklearn.preprocessing.OrdinalEncoder."
            )
        codes = values.astype(np.intp)
    if codes.size and codes.min() < 0:
        row, col = np.argwhere(codes < 0)[0]
        raise ValueError(
            f"Negative values in data passed to ValueDifferenceMetric: category "
            f"codes must be non-negative, but {name}[{row}, {col}] = "
            f"{codes[row, col].item()}."
        )
    return codes


def _check_codes_below(codes, n_categories, name, parameter):
    too_large = codes >= n_categories
    if too_large.any():
        row, col = np.argwhere(too_large)[0]
        raise ValueError(
            f"{name}[{row}, {col}] = {codes[row, col]} is not a category code of "
            f"feature {col}, which has {parameter}[{col}] = {n_categories[col]} "
            f"categories (codes 0 to {n_categories[col] - 1})."
        )


def _class_shares(codes, y_encoded, n_categories, n_classes):
    """``(n_categories, n_classes)`` shares of each class among each category."""
    counts = np.bincount(
        codes * n_classes + y_encoded, minlength=n_categories * n_classes
    ).reshape(n_categories, n_classes)
    counts = counts.astype(np.float64)
    totals = counts.sum(axis=1, keepdims=True)
    # a category absent from the training rows predicts nothing: a row of zeros
    return np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)


def _value_distances(proba_a, proba_b, k, r):
    """``delta ** r`` between the rows of two ``(n, n_classes)`` share arrays.

    Returns an ``(n_a, n_b)`` array. The classes are summed by ``np.sum``
    over a contiguous last axis, as SciPy's ``distance_matrix`` does in
    imbalanced-learn, so the values agree with it bit for bit, and a pair of
    categories gets the same value in a table and in a block.
    """
    total = np.abs(proba_a[:, None, :] - proba_b[None, :, :])
    if k != 1:
        total **= k
    total = total.sum(axis=-1)
    if k != 1:
        total **= 1.0 / k
    if r != 1:
        total **= r
    return total


class _VDMKernel:
    """Blocked VDM between rows of codes, from fitted class shares.

    Features with few categories are served from a precomputed table of
    category distances; the others are computed per tile from the shares.
    Every output entry is the sum of the features' terms in column order.
    """

    def __init__(self, proba_per_class, k, r):
        self.proba = proba_per_class
        self.k, self.r = k, r
        self.tables = [
            _value_distances(p, p, k, r) if len(p) <= _MAX_TABLE_CATEGORIES else None
            for p in proba_per_class
        ]

    def distances(self, codes_q, codes_r, out=None):
        """``(n_q, n_r)`` distances between the rows of two code arrays."""
        n_q, n_r = len(codes_q), len(codes_r)
        if out is None:
            out = np.empty((n_q, n_r), dtype=np.float64)
        if n_q == 0 or n_r == 0:
            return out
        if not self.proba:
            out[...] = 0.0
            return out
        table_entries = sum(len(t) for t in self.tables if t is not None)
        width = int(min(n_r, 4096, max(1, _GATHERED_ENTRIES // max(1, table_entries))))
        height = max(1, _TILE_ENTRIES // width)
        buffer = np.empty((height, width), dtype=np.float64)
        for c0 in range(0, n_r, width):
            c1 = min(c0 + width, n_r)
            ref = codes_r[c0:c1]
            # each table's columns for these reference rows: a row gather per tile
            gathered = [
                None if t is None else np.ascontiguousarray(t[:, ref[:, j]])
                for j, t in enumerate(self.tables)
            ]
            for r0 in range(0, n_q, height):
                r1 = min(r0 + height, n_q)
                tile = buffer[: r1 - r0, : c1 - c0]
                self._tile(codes_q[r0:r1], ref, gathered, tile)
                out[r0:r1, c0:c1] = tile
        return out

    def _tile(self, query, ref, gathered, tile):
        for j, columns in enumerate(gathered):
            if columns is not None:
                term = np.take(columns, query[:, j], axis=0)
            else:
                term = _value_distances(
                    self.proba[j][query[:, j]], self.proba[j][ref[:, j]], self.k, self.r
                )
            if j == 0:
                tile[...] = term
            else:
                tile += term
