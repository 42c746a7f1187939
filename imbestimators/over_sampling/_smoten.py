"""SMOTE-N: SMOTE for categorical-only data, on the Value Difference Metric."""

import numbers
import warnings

import numpy as np
from scipy import sparse
from sklearn.base import clone
from sklearn.exceptions import DataConversionWarning
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import OrdinalEncoder
from sklearn.utils import check_random_state

from imbestimators.metrics._pairwise import ValueDifferenceMetric, _VDMKernel
from imbestimators.over_sampling._base import BaseSMOTE
from imbestimators.utils import check_target_type
from imbestimators.utils._docstring import fill_doc
from imbestimators.utils._param_validation import HasMethods, validate_data

__all__ = ["SMOTEN"]

# distances of one block of query rows against a class, in entries (32 MB)
_BLOCK_ENTRIES = 2**22


@fill_doc
class SMOTEN(BaseSMOTE):
    """Over-sample categorical data with SMOTE-N.

    Each new row is built from a row drawn uniformly from its class: every
    feature takes the category most frequent among that row and its
    ``k_neighbors`` nearest rows of the class, under the Value Difference
    Metric [1]_ (:class:`~imbestimators.metrics.pairwise.ValueDifferenceMetric`
    fitted on all rows). A drop-in replacement for
    :class:`imblearn.over_sampling.SMOTEN`.

    Read more in the :ref:`User Guide <over_sampling>`.

    Parameters
    ----------
    categorical_encoder : estimator, default=None
        Ordinal encoder (``fit_transform``, ``inverse_transform`` and
        ``categories_``, returning one integer code per column) that defines
        the categories. ``None`` uses
        ``OrdinalEncoder(dtype=np.int32)``, as imbalanced-learn does. Its codes
        also break ties between equally frequent categories: the lower code
        wins (the first in sorted order with the default encoder).

    {sampling_strategy_over}

    {random_state}

    k_neighbors : int or object, default=5
        Number of nearest neighbours of the same class that vote with the
        drawn row. Either an int, searched exactly (see Notes for ties), or a
        neighbours estimator with scikit-learn's ``kneighbors`` API whose
        ``n_neighbors`` counts the sample itself, as in imbalanced-learn: it
        is given ``metric="precomputed"`` and the class's VDM distances, and
        its neighbours vote as it returns them.

    Attributes
    ----------
    categorical_encoder_ : estimator
        The fitted clone of ``categorical_encoder`` (or the default encoder).
    sampling_strategy_ : dict
        Number of samples generated per resampled class.
    nn_k_ : estimator object
        The neighbours estimator imbalanced-learn would use:
        ``NearestNeighbors(n_neighbors=k_neighbors + 1, metric="precomputed")``
        for an int (not fitted: the exact search described in Notes replaces
        it), or the clone of the given estimator, with
        ``metric="precomputed"``, fitted on the last resampled class.
    n_features_in_ : int
        Number of features seen during ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit_resample``, when they are strings.

    See Also
    --------
    SMOTENC : SMOTE for mixed numerical and categorical features.
    SMOTE : SMOTE for numerical features.
    RandomOverSampler : Duplicate rows of any dtype.

    Notes
    -----
    Every column is a categorical feature: strings, objects, pandas
    ``category`` columns and numbers (each distinct value is a category).
    The new values are categories of the input, so the output keeps the
    input's dtype (and, for a DataFrame, every column's dtype). Missing values
    are refused, as by the default encoder. Sparse input is densified (with a
    ``DataConversionWarning``, as in imbalanced-learn) and returned in its
    format.

    *Ties.* Categorical data have many rows at exactly the same VDM distance
    (every duplicate of a row, every row differing in the same categories).
    The neighbourhood of a row is *tie-inclusive*: the row itself, its
    ``k_neighbors`` nearest rows of the class, and every row at exactly the
    distance of the last of them, as the library's other neighbour rules
    (R's ``class::knn``). Equally frequent categories go to the lower code,
    as with imbalanced-learn's ``scipy.stats.mode``. The drawn rows are
    taken from the class's rows sorted by their codes. So the new rows
    depend neither on the order of the rows nor on a search order; on data
    without ties at the ``k_neighbors``-th distance, the row built from each
    drawn row is exactly imbalanced-learn's. Distances are imbalanced-learn's
    float64 VDM, bit for bit.

    Duplicated rows are searched once (with their multiplicity), and a class
    is searched in blocks: time grows with the square of the number of
    distinct rows of the class, memory with one block.

    References
    ----------
    .. [1] N. V. Chawla, K. W. Bowyer, L. O. Hall, W. P. Kegelmeyer, "SMOTE:
       synthetic minority over-sampling technique", Journal of Artificial
       Intelligence Research, 16, 321-357, 2002.

    Examples
    --------
    >>> from collections import Counter
    >>> import numpy as np
    >>> from imbestimators.over_sampling import SMOTEN
    >>> X = np.array(["A"] * 10 + ["B"] * 20 + ["C"] * 30, dtype=object).reshape(-1, 1)
    >>> y = np.array([0] * 20 + [1] * 40, dtype=np.int32)
    >>> X_res, y_res = SMOTEN(random_state=0).fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 40), (1, 40)]
    >>> X_res.dtype
    dtype('O')
    """

    _parameter_constraints: dict = {
        **BaseSMOTE._parameter_constraints,
        "categorical_encoder": [
            HasMethods(["fit_transform", "inverse_transform"]),
            None,
        ],
    }

    # categorical_encoder is positional, as in imbalanced-learn's signature
    def __init__(
        self,
        categorical_encoder=None,
        *,
        sampling_strategy="auto",
        random_state=None,
        k_neighbors=5,
    ):
        super().__init__(
            sampling_strategy=sampling_strategy,
            random_state=random_state,
            k_neighbors=k_neighbors,
        )
        self.categorical_encoder = categorical_encoder

    def _check_X_y(self, X, y, accept_sparse=None):
        """Any values are categories: no numeric conversion, no interpolation check."""
        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        try:
            X, y = validate_data(
                self, X=X, y=y, reset=True, dtype=None, accept_sparse=["csr", "csc"]
            )
        except (TypeError, ValueError) as exc:
            if "NaN" not in str(exc) and "NA is ambiguous" not in str(exc):
                raise
            # scikit-learn's message for object arrays names neither X nor us,
            # and pd.NA makes its check fail with a TypeError
            raise ValueError(
                "SMOTEN: X holds missing values (NaN, None or pd.NA), which its "
                "OrdinalEncoder cannot encode as a category. Impute them, or "
                "replace them by a category of their own (e.g. 'missing'), "
                f"first. Original error: {exc}"
            ) from exc
        return X, y, binarize_y

    def _fit_resample(self, X, y):
        self._check_sizes(y)
        sparse_format = X.format if sparse.issparse(X) else None
        if sparse_format:
            warnings.warn(
                "Passing a sparse matrix to SMOTEN is not really efficient since it "
                "is converted to a dense array internally.",
                DataConversionWarning,
            )
            X = X.toarray()
        self.nn_k_ = self._neighbors_estimator()
        codes = self._encode(X)
        vdm = ValueDifferenceMetric(
            n_categories=[len(c) for c in self.categorical_encoder_.categories_]
        ).fit(codes, y)
        kernel = _VDMKernel(vdm.proba_per_class_, vdm.k, vdm.r)
        rng = check_random_state(self.random_state)
        new_codes = [
            self._generate_codes(codes[y == klass], kernel, n_new, rng)
            for klass, n_new in self.sampling_strategy_.items()
            if n_new > 0
        ]
        return self._assemble(X, y, new_codes, sparse_format)

    def _neighbors_estimator(self):
        if isinstance(self.k_neighbors, numbers.Integral):
            return NearestNeighbors(
                n_neighbors=self.k_neighbors + 1, metric="precomputed"
            )
        estimator = clone(self.k_neighbors)
        if "metric" not in estimator.get_params():
            raise ValueError(
                "SMOTEN gives its k_neighbors estimator precomputed VDM distances, "
                "so the estimator needs a 'metric' parameter (set to "
                f"'precomputed'); {type(estimator).__name__} has none. Pass an int "
                "or e.g. NearestNeighbors(n_neighbors=6)."
            )
        return estimator.set_params(metric="precomputed")

    def _encode(self, X):
        """Fit ``categorical_encoder_`` and return one integer code per cell."""
        if self.categorical_encoder is None:
            self.categorical_encoder_ = OrdinalEncoder(dtype=np.int32)
        else:
            self.categorical_encoder_ = clone(self.categorical_encoder)
        try:
            codes = self.categorical_encoder_.fit_transform(X)
        except TypeError as exc:
            raise TypeError(
                "SMOTEN could not encode the categories of X: a column must hold "
                "only strings or only numbers "
                f"({_mixed_columns(X)}). Original error: {exc}"
            ) from exc
        return _check_encoded(codes, self.categorical_encoder_, X.shape)

    def _generate_codes(self, class_codes, kernel, n_new, rng):
        """Codes of ``n_new`` new rows of one class (``(n_new, n_features)``)."""
        unique, inverse, counts = np.unique(
            class_codes, axis=0, return_inverse=True, return_counts=True
        )
        inverse = inverse.ravel()
        # a row drawn uniformly from the class, counted in the class's rows
        # sorted by codes: the draw does not depend on the order of the rows
        drawn = rng.randint(len(class_codes), size=n_new)
        drawn_unique = np.searchsorted(np.cumsum(counts), drawn, side="right")
        if isinstance(self.k_neighbors, numbers.Integral):
            queries, position = np.unique(drawn_unique, return_inverse=True)
            votes = _tie_inclusive_votes(
                kernel, unique, counts, unique[queries], self.k_neighbors + 1
            )
            return votes[position.ravel()]
        votes = self._estimator_votes(kernel, class_codes)
        rows = np.argsort(inverse, kind="stable")[drawn]
        return votes[rows]

    def _estimator_votes(self, kernel, class_codes):
        """Votes over the neighbours a user's estimator returns (imbalanced-learn)."""
        distances = kernel.distances(class_codes, class_codes)
        self.nn_k_.fit(distances)
        neighbors = self.nn_k_.kneighbors(distances, return_distance=False)
        weights = np.ones(neighbors.size)
        rows = np.repeat(np.arange(len(class_codes)), neighbors.shape[1])
        return _most_frequent(class_codes[neighbors.ravel()], rows, weights, len(rows))

    def _assemble(self, X, y, new_codes, sparse_format):
        classes = [k for k, n in self.sampling_strategy_.items() if n > 0]
        n_new = sum(len(c) for c in new_codes)
        values = (
            self.categorical_encoder_.inverse_transform(np.vstack(new_codes))
            if n_new
            else X[:0]
        )
        dtype = X.dtype
        if dtype.kind in "US" and values.dtype.kind == dtype.kind:
            dtype = np.promote_types(dtype, values.dtype)  # never truncate a string
        X_res = np.empty((len(X) + n_new, X.shape[1]), dtype=dtype)
        X_res[: len(X)] = X
        X_res[len(X) :] = values
        y_new = [
            np.full(len(c), klass, dtype=y.dtype)
            for klass, c in zip(classes, new_codes)
        ]
        y_res = np.concatenate([y, *y_new])
        if sparse_format:
            X_res = sparse.csr_matrix(X_res).asformat(sparse_format)
        return X_res, y_res

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        return tags


def _tie_inclusive_votes(kernel, unique, counts, queries, n_members):
    """Most frequent code per feature in each query's tie-inclusive neighbourhood.

    ``unique`` are the class's distinct rows and ``counts`` their
    multiplicities. A query's neighbourhood is every row (with its
    multiplicity) at a distance at most the ``n_members``-th smallest,
    counted with multiplicities; the query itself is one of them.
    """
    height = max(1, _BLOCK_ENTRIES // max(1, len(unique)))
    votes = np.empty_like(queries)
    for start in range(0, len(queries), height):
        block = queries[start : start + height]
        distances = kernel.distances(block, unique)
        radius = _weighted_kth_smallest(distances, counts, n_members)
        rows, members = np.nonzero(distances <= radius[:, None])
        votes[start : start + len(block)] = _most_frequent(
            unique[members], rows, counts[members].astype(np.float64), len(block)
        )
    return votes


def _weighted_kth_smallest(distances, weights, n):
    """Per row, the smallest distance ``d`` with total weight at or below it >= n.

    Weights are at least 1, so that distance is among each row's ``n``
    smallest entries: only those are sorted.
    """
    n_candidates = min(n, distances.shape[1])
    candidates = np.argpartition(distances, n_candidates - 1, axis=1)[:, :n_candidates]
    candidate_distances = np.take_along_axis(distances, candidates, axis=1)
    order = np.argsort(candidate_distances, axis=1, kind="stable")
    sorted_distances = np.take_along_axis(candidate_distances, order, axis=1)
    cumulated = np.cumsum(weights[np.take_along_axis(candidates, order, axis=1)], 1)
    first = np.argmax(cumulated >= n, axis=1)
    return sorted_distances[np.arange(len(distances)), first]


def _most_frequent(member_codes, rows, weights, n_rows):
    """Per row and feature, the code with the largest total weight; ties: lowest.

    ``member_codes[i]`` is the code row of a neighbourhood member of row
    ``rows[i]``, counted ``weights[i]`` times.
    """
    votes = np.empty((n_rows, member_codes.shape[1]), dtype=member_codes.dtype)
    for j in range(member_codes.shape[1]):
        n_codes = int(member_codes[:, j].max()) + 1
        totals = np.bincount(
            rows * n_codes + member_codes[:, j],
            weights=weights,
            minlength=n_rows * n_codes,
        ).reshape(n_rows, n_codes)
        # argmax returns the first maximum: the lowest code, as scipy's mode
        votes[:, j] = totals.argmax(axis=1)
    return votes


def _check_encoded(codes, encoder, shape):
    """The encoder's output as integer codes, or a ValueError naming the parameter."""
    categories = getattr(encoder, "categories_", None)
    if sparse.issparse(codes) or np.shape(codes) != shape or categories is None:
        raise ValueError(
            "SMOTEN needs an ordinal categorical_encoder: one integer code per "
            "column and a categories_ attribute (e.g. "
            "sklearn.preprocessing.OrdinalEncoder); "
            f"{type(encoder).__name__} returned "
            f"{type(codes).__name__} of shape {np.shape(codes)} for X of shape "
            f"{shape}."
        )
    codes = np.asarray(codes)
    n_categories = np.array([len(c) for c in categories])
    valid = np.isfinite(codes) if codes.dtype.kind == "f" else np.ones(shape, bool)
    valid &= (codes >= 0) & (codes < n_categories) & (codes == np.floor(codes))
    if not valid.all():
        row, col = np.argwhere(~valid)[0]
        raise ValueError(
            "SMOTEN needs categorical_encoder codes from 0 to the number of "
            f"categories minus one; column {col} of row {row} was encoded as "
            f"{codes[row, col]!r} with {n_categories[col]} categories."
        )
    return codes.astype(np.intp)


def _mixed_columns(X):
    """Which columns mix strings and other values, for the error message."""
    mixed = []
    for j in range(X.shape[1]):
        kinds = {isinstance(v, str) for v in X[:, j]}
        if len(kinds) > 1:
            mixed.append(j)
    return f"columns {mixed} mix strings with other values" if mixed else "see below"
