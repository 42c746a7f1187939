"""SMOTE-NC: SMOTE for mixed numerical and categorical features."""

import math

import numpy as np
from scipy import sparse
from sklearn.base import clone
from sklearn.preprocessing import OneHotEncoder
from sklearn.utils import check_array, check_random_state
from sklearn.utils.sparsefuncs import mean_variance_axis
from sklearn.utils.validation import _num_samples

from imbestimators.base import neighbors_estimator
from imbestimators.over_sampling._base import interpolate
from imbestimators.over_sampling._smote import SMOTE
from imbestimators.utils._docstring import fill_doc
from imbestimators.utils._neighbors import NeighborsIndex
from imbestimators.utils._param_validation import HasMethods, StrOptions, validate_data
from imbestimators.utils._validation import is_pandas_frame

__all__ = ["SMOTENC"]

# beyond this many one-hot entries per class, the embedding is kept sparse
_DENSE_ONE_HOT_LIMIT = 2**24


@fill_doc
class SMOTENC(SMOTE):
    """Over-sample mixed numerical and categorical data with SMOTE-NC.

    Numerical columns are interpolated as in SMOTE; each categorical column of
    a new row takes the most frequent category among the ``k_neighbors``
    nearest neighbours of its base row (ties broken at random) [1]_. In the
    neighbour search, two different categories count as a distance equal to
    the median standard deviation of the class's numerical columns. A drop-in
    replacement for :class:`imblearn.over_sampling.SMOTENC`.

    Read more in the :ref:`User Guide <over_sampling>`.

    Parameters
    ----------
    categorical_features : "auto" or array-like
        Which columns are categorical:

        - ``"auto"``: the columns of a pandas DataFrame whose dtype is
          ``category``, ``object``, ``string`` or ``bool``;
        - array of int: column indices;
        - array of str: column names of a DataFrame;
        - boolean mask of shape (n_features,).

    categorical_encoder : estimator, default=None
        A one-hot encoder (``fit_transform``/``inverse_transform`` and a
        ``categories_`` attribute, e.g. ``OneHotEncoder(handle_unknown=
        "ignore")``) that defines the one-hot embedding of the categorical
        columns in the neighbour search. ``None`` encodes them internally
        (with the same distances as a one-hot encoder). It must keep one
        column per category.

    {sampling_strategy_over}

    {random_state}

    {k_neighbors}

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of samples generated per resampled class.
    categorical_features_ : ndarray of int
        Indices of the categorical columns.
    continuous_features_ : ndarray of int
        Indices of the numerical columns.
    median_std_ : dict
        For each resampled class, the median standard deviation of its
        numerical columns.
    categorical_encoder_ : estimator or None
        The fitted clone of ``categorical_encoder``; with
        ``categorical_encoder=None``, as in imbalanced-learn, a
        ``OneHotEncoder(handle_unknown="ignore")`` fitted on the categorical
        columns (None only when scikit-learn's encoders refuse their values:
        a column mixing strings with numbers or with ``pd.NA``).
    n_features_in_ : int
        Number of features seen during ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit_resample``, when they are strings.

    See Also
    --------
    SMOTE : For numerical features only.

    Notes
    -----
    Categorical values of new rows are copied from existing rows, so a pandas
    input keeps every column's dtype, nullable ones (``Int64``, ``boolean``,
    ``string``) and ``category`` included; integer numerical columns receive
    rounded interpolations. Missing values are allowed in categorical columns
    (they form a category of their own), not in numerical ones.

    Sparse input (CSR or CSC, a SciPy matrix or array, or a DataFrame whose
    columns are all sparse) gives sparse output in the same format and
    container, with the rows the same data gives dense (up to floating-point
    rounding); the numerical columns stay sparse throughout, the categorical
    ones are read densely, column by column. imbalanced-learn returns CSR for
    CSC input.

    References
    ----------
    .. [1] N. V. Chawla, K. W. Bowyer, L. O. Hall, W. P. Kegelmeyer, "SMOTE:
       synthetic minority over-sampling technique", Journal of Artificial
       Intelligence Research, 16, 321-357, 2002.

    Examples
    --------
    >>> from collections import Counter
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from imbestimators.over_sampling import SMOTENC
    >>> X, y = make_classification(n_samples=1000, weights=[0.9, 0.1],
    ...                            flip_y=0, random_state=10)
    >>> X[:, -2:] = np.random.RandomState(10).randint(0, 4, size=(1000, 2))
    >>> sm = SMOTENC(categorical_features=[18, 19], random_state=42)
    >>> X_res, y_res = sm.fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 900), (1, 900)]
    >>> sorted(np.unique(X_res[:, 18]).tolist())
    [0.0, 1.0, 2.0, 3.0]
    """

    _required_parameters = ["categorical_features"]

    _parameter_constraints: dict = {
        **SMOTE._parameter_constraints,
        "categorical_features": ["array-like", StrOptions({"auto"})],
        "categorical_encoder": [
            HasMethods(["fit_transform", "inverse_transform"]),
            None,
        ],
    }

    def __init__(
        self,
        categorical_features,
        *,
        categorical_encoder=None,
        sampling_strategy="auto",
        random_state=None,
        k_neighbors=5,
    ):
        super().__init__(
            sampling_strategy=sampling_strategy,
            random_state=random_state,
            k_neighbors=k_neighbors,
        )
        self.categorical_features = categorical_features
        self.categorical_encoder = categorical_encoder

    def _check_X_y(self, X, y, accept_sparse=None):
        from imblearn.utils import check_target_type

        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        if _num_samples(X) < 1:
            raise ValueError(
                f"X has {_num_samples(X)} samples; at least 1 is required."
            )
        if is_pandas_frame(X):
            _check_sparse_frame(X)
        else:
            X = check_array(
                X, dtype=None, accept_sparse=["csr", "csc"], ensure_all_finite=False
            )
        validate_data(self, X=X, y=y, reset=True, skip_check_array=True)
        return X, np.asarray(y), binarize_y

    def fit(self, X, y):
        """Validate the input and the column roles, without resampling.

        Parameters
        ----------
        X : {array-like, dataframe} of shape (n_samples, n_features)
            Data to resample.
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self : object
            The sampler, with ``categorical_features_`` and
            ``continuous_features_`` set.
        """
        super().fit(X, y)
        X_checked, _, _ = self._check_X_y(X, y)
        self._resolve_columns(X_checked)
        X_checked = _sparse_frame_to_matrix(X_checked)
        self._continuous_part(X_checked)
        for j in self.categorical_features_:
            _codes(_column(X_checked, j))
        return self

    # -- column roles ---------------------------------------------------------
    def _resolve_columns(self, X):
        n_features = X.shape[1]
        categorical = _categorical_indices(self.categorical_features, X)
        if categorical.size == 0:
            raise ValueError(
                "SMOTE-NC is not designed to work only with numerical features: "
                f"categorical_features={self.categorical_features!r} selects none "
                f"of the {n_features} columns, and SMOTENC needs at least one "
                "categorical feature. Use SMOTE for purely numerical data."
            )
        if categorical.size == n_features:
            raise ValueError(
                "SMOTE-NC is not designed to work only with categorical features: "
                f"all n_features={n_features} columns are categorical, and SMOTENC "
                "needs at least one numerical feature. Use "
                "imbestimators.over_sampling.SMOTEN for purely categorical data."
            )
        self.categorical_features_ = categorical
        self.continuous_features_ = np.setdiff1d(np.arange(n_features), categorical)

    def _continuous_part(self, X):
        """The numerical columns as floats: an array, or CSR for sparse X."""
        part = _columns(X, self.continuous_features_)
        try:
            return check_array(
                part, accept_sparse="csr", dtype=[np.float64, np.float32]
            )
        except ValueError as exc:
            raise ValueError(
                "SMOTENC: the numerical columns "
                f"{self.continuous_features_.tolist()} must be numeric and finite; "
                "list non-numeric columns in categorical_features. "
                f"Original error: {exc}"
            ) from exc

    # -- resampling -------------------------------------------------------------
    def _fit_resample(self, X, y):
        self._resolve_columns(X)
        X = _sparse_frame_to_matrix(X)
        X_cont = self._continuous_part(X)
        cat_columns = [_column(X, j) for j in self.categorical_features_]
        self._check_sizes(y)
        one_hot = self._fit_encoder(X, X_cont.dtype)
        rng = check_random_state(self.random_state)
        self.median_std_ = {}
        blocks = []
        for klass in self._resampled_classes():
            blocks.append(
                self._generate_class_nc(X_cont, cat_columns, one_hot, y, klass, rng)
            )
        return self._assemble(X, y, X_cont, cat_columns, blocks)

    def _fit_encoder(self, X, dtype):
        """Fit ``categorical_encoder_``; the one-hot matrix it defines, if given.

        Without an encoder, the neighbour search uses an internal one-hot
        encoding (per class, the same distances); ``categorical_encoder_`` is
        then the OneHotEncoder imbalanced-learn would have used, fitted on the
        same columns.
        """
        X_cat = _columns(X, self.categorical_features_)
        if sparse.issparse(X_cat):
            X_cat = X_cat.toarray()
        if self.categorical_encoder is None:
            encoder = OneHotEncoder(handle_unknown="ignore", dtype=dtype)
            try:
                self.categorical_encoder_ = encoder.fit(X_cat)
            except TypeError:
                # a column mixing strings with numbers or with pd.NA: scikit-learn
                # cannot sort it (imbalanced-learn fails here); our codes can
                self.categorical_encoder_ = None
            return None
        self.categorical_encoder_ = clone(self.categorical_encoder)
        encoded = self.categorical_encoder_.fit_transform(X_cat)
        n_categories = sum(len(c) for c in self.categorical_encoder_.categories_)
        if encoded.shape[1] != n_categories:
            raise ValueError(
                "SMOTENC requires a one-hot encoding with one column per category: "
                f"categorical_encoder produced {encoded.shape[1]} columns for "
                f"{n_categories} categories (drop= or infrequent categories are not "
                "supported). Use e.g. OneHotEncoder(handle_unknown='ignore')."
            )
        return sparse.csr_matrix(encoded)

    def _generate_class_nc(self, X_cont, cat_columns, one_hot, y, klass, rng):
        n_new = self.sampling_strategy_[klass]
        class_indices = np.flatnonzero(y == klass)
        cont = X_cont[class_indices]
        codes = [_codes(column[class_indices]) for column in cat_columns]
        median_std = _median_std(cont)
        self.median_std_[klass] = median_std
        embedding = self._embedding(cont, codes, one_hot, class_indices, median_std)
        index = NeighborsIndex(
            embedding, estimator=neighbors_estimator(self.k_neighbors)
        )
        neighbors = index.kneighbors(self._k)
        rows, cols, steps = self._draw_pairs(len(class_indices), self._k, n_new, rng)
        new_cont = interpolate(cont, rows, cont, neighbors[rows, cols], steps)
        source_rows = [
            class_indices[_most_frequent(c, neighbors[rows], rng)] for c in codes
        ]
        return klass, new_cont, source_rows

    def _embedding(self, cont, codes, one_hot, class_indices, median_std):
        """Numerical columns, then one-hot columns scaled by median_std / sqrt(2).

        Two different categories then differ in two one-hot columns, which adds
        exactly ``median_std ** 2`` to the squared distance (Chawla et al.).
        """
        scale = median_std / math.sqrt(2)
        if one_hot is not None:
            cat = one_hot[class_indices] * scale
        else:
            cat = _one_hot(codes, scale, dtype=cont.dtype)
        if sparse.issparse(cat) or sparse.issparse(cont):
            blocks = [sparse.csr_matrix(cont), sparse.csr_matrix(cat)]
            return sparse.hstack(blocks, format="csr")
        return np.hstack([cont, cat])

    def _assemble(self, X, y, X_cont, cat_columns, blocks):
        n_new = sum(block[1].shape[0] for block in blocks)
        y_new = [
            np.full(block[1].shape[0], block[0], dtype=y.dtype) for block in blocks
        ]
        y_res = np.concatenate([y, *y_new])
        if is_pandas_frame(X):
            return self._assemble_frame(X, blocks), y_res
        if sparse.issparse(X):
            return self._assemble_sparse(X, cat_columns, blocks), y_res
        X_res = np.empty((X.shape[0] + n_new, X.shape[1]), dtype=X.dtype)
        X_res[: X.shape[0]] = X
        start = X.shape[0]
        for _, new_cont, source_rows in blocks:
            stop = start + len(new_cont)
            X_res[start:stop, self.continuous_features_] = _fit_dtype(new_cont, X.dtype)
            for j, rows in zip(self.categorical_features_, source_rows):
                X_res[start:stop, j] = X[rows, j]
            start = stop
        return X_res, y_res

    def _assemble_sparse(self, X, cat_columns, blocks):
        """Sparse output in X's format: X's rows, then each class's new rows."""
        # new rows are built as [numerical | categorical], then put in X's order
        order = np.argsort(
            np.concatenate([self.continuous_features_, self.categorical_features_])
        )
        matrix = (
            sparse.csr_array if isinstance(X, sparse.sparray) else sparse.csr_matrix
        )
        parts = [X]
        for _, new_cont, source_rows in blocks:
            cat = np.column_stack(
                [column[rows] for column, rows in zip(cat_columns, source_rows)]
            )
            new = sparse.hstack(
                [_fit_sparse_dtype(new_cont, X.dtype), matrix(cat.astype(X.dtype))],
                format="csr",
            )
            new = matrix(new)[:, order]
            new.eliminate_zeros()
            parts.append(new)
        return sparse.vstack(parts, format=X.format, dtype=X.dtype)

    def _assemble_frame(self, X, blocks):
        import pandas as pd

        from imbestimators.utils._validation import cast_like_frame

        frames = [X.reset_index(drop=True)]
        for _, new_cont, source_rows in blocks:
            columns = {}
            cont_frame = cast_like_frame(new_cont, X.iloc[:, self.continuous_features_])
            for position, j in enumerate(self.continuous_features_):
                columns[j] = cont_frame.iloc[:, position]
            for j, rows in zip(self.categorical_features_, source_rows):
                columns[j] = X.iloc[rows, j].reset_index(drop=True)
            new = pd.concat([columns[j] for j in range(X.shape[1])], axis=1)
            new.columns = X.columns
            frames.append(new)
        return pd.concat(frames, axis=0, ignore_index=True)


def _columns(X, indices):
    if is_pandas_frame(X):
        return X.iloc[:, indices]
    return X[:, indices]


def _column(X, j):
    """Column ``j`` as a 1-D array (object for a DataFrame, dense for sparse X)."""
    if is_pandas_frame(X):
        return X.iloc[:, j].to_numpy(dtype=object)
    if sparse.issparse(X):
        return X[:, [j]].toarray().ravel()
    return X[:, j]


def _check_sparse_frame(X):
    """Refuse a DataFrame mixing sparse and dense columns, before any work."""
    is_sparse = [isinstance(dtype, _sparse_dtype()) for dtype in X.dtypes]
    if any(is_sparse) and not all(is_sparse):
        sparse_columns = X.columns[np.flatnonzero(is_sparse)].tolist()
        raise TypeError(
            "SMOTENC: X is a DataFrame mixing sparse columns "
            f"{sparse_columns} with dense ones; make every column sparse (it is "
            "then resampled as a sparse matrix) or none (X.sparse.to_dense())."
        )


def _sparse_frame_to_matrix(X):
    """A DataFrame of sparse columns as a CSR matrix (its values are numbers)."""
    if (
        is_pandas_frame(X)
        and len(X.columns)
        and isinstance(X.dtypes.iloc[0], _sparse_dtype())
    ):
        return X.sparse.to_coo().tocsr()
    return X


def _sparse_dtype():
    import pandas as pd

    return pd.SparseDtype


def _median_std(cont):
    """Median over the numerical columns of their standard deviation, in float64."""
    if sparse.issparse(cont):
        _, variance = mean_variance_axis(cont, axis=0)
        return float(np.median(np.sqrt(variance.astype(np.float64))))
    return float(np.median(np.std(cont, axis=0, dtype=np.float64)))


def _categorical_indices(spec, X):
    """Resolve ``categorical_features`` into sorted column indices."""
    n_features = X.shape[1]
    if isinstance(spec, str) and spec == "auto":
        if not is_pandas_frame(X):
            raise ValueError(
                "With categorical_features='auto', the input data should be a "
                "pandas.DataFrame (the categorical columns are found from its "
                f"dtypes); got {type(X).__name__}. Pass the categorical column "
                "indices instead."
            )
        return np.flatnonzero([_is_categorical_dtype(d) for d in X.dtypes])
    spec = np.asarray(spec)
    if spec.dtype.kind == "b":
        if spec.shape != (n_features,):
            raise ValueError(
                f"categorical_features as a boolean mask must have {n_features} "
                f"entries, one per column; got {spec.shape[0]}."
            )
        return np.flatnonzero(spec)
    if spec.dtype.kind in "OUS":
        return _indices_from_names(spec, X)
    if spec.dtype.kind not in "iu":
        raise ValueError(
            "categorical_features must be 'auto', column indices, column names or a "
            f"boolean mask; got an array of dtype {spec.dtype}."
        )
    bad = spec[(spec < 0) | (spec >= n_features)]
    if bad.size:
        raise ValueError(
            f"categorical_features holds indices {bad.tolist()} outside "
            f"[0, {n_features - 1}]: all features must be in [0, {n_features - 1}] "
            f"for X with {n_features} columns."
        )
    return np.unique(spec)


def _indices_from_names(names, X):
    if not is_pandas_frame(X):
        raise ValueError(
            "categorical_features given as column names needs a pandas DataFrame; "
            f"got {type(X).__name__}."
        )
    columns = list(X.columns)
    missing = [name for name in names.tolist() if name not in columns]
    if missing:
        raise ValueError(f"categorical_features names {missing} are not columns of X.")
    return np.unique([columns.index(name) for name in names.tolist()])


def _is_categorical_dtype(dtype):
    import pandas as pd

    return (
        isinstance(dtype, pd.CategoricalDtype)
        or pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
        or pd.api.types.is_bool_dtype(dtype)
    )


def _codes(values):
    """Integer codes of a column's values; missing values form one category."""
    values = np.asarray(values)
    if values.dtype.kind in "biufcUSM":
        return np.unique(values, return_inverse=True)[1].ravel()
    mapping = {}
    codes = np.empty(len(values), dtype=np.intp)
    for i, value in enumerate(values):
        key = _missing_key(value)
        try:
            codes[i] = mapping.setdefault(key, len(mapping))
        except TypeError as exc:
            raise TypeError(
                "SMOTENC: each categorical argument must be a string or a number "
                f"(a hashable value); found {type(value).__name__} {value!r}."
            ) from exc
    return codes


def _missing_key(value):
    """Map every kind of missing value (None, NaN, pd.NA, NaT) to one key."""
    if value is None:
        return _MISSING
    try:
        if value != value:  # NaN, NaT
            return _MISSING
    except (TypeError, ValueError):  # pd.NA refuses boolean conversion
        return _MISSING
    return value


_MISSING = object()


def _one_hot(codes, scale, dtype):
    """Scaled one-hot embedding of several code columns, dense when small."""
    n_rows = len(codes[0])
    widths = [int(c.max()) + 1 for c in codes]
    offsets = np.cumsum([0, *widths[:-1]])
    columns = np.column_stack([c + o for c, o in zip(codes, offsets)]).ravel()
    rows = np.repeat(np.arange(n_rows), len(codes))
    data = np.full(columns.size, scale, dtype=dtype)
    shape = (n_rows, sum(widths))
    embedding = sparse.csr_matrix((data, (rows, columns)), shape=shape)
    if n_rows * shape[1] <= _DENSE_ONE_HOT_LIMIT:
        return embedding.toarray()
    return embedding


def _most_frequent(codes, neighbor_rows, rng):
    """Row (in the class) holding the most frequent code among each row's neighbours.

    Ties between distinct categories are broken uniformly at random: each
    category is represented by its first occurrence, which gets a random
    priority.
    """
    candidate = codes[neighbor_rows]  # (n_new, k)
    n_new, k = candidate.shape
    same = candidate[:, :, None] == candidate[:, None, :]
    counts = same.sum(axis=2)
    first = ~np.tril(same, k=-1).any(axis=2)
    priority = rng.uniform(size=(n_new, k))
    score = np.where(
        first & (counts == counts.max(axis=1, keepdims=True)), priority, -1
    )
    winner = score.argmax(axis=1)
    return neighbor_rows[np.arange(n_new), winner]


def _fit_sparse_dtype(matrix, dtype):
    """Sparse interpolated values in ``dtype``; integers are rounded, as for dense."""
    matrix = sparse.csr_matrix(matrix)
    if dtype.kind in "iub" and matrix.dtype.kind == "f":
        matrix = matrix.copy()
        matrix.data = np.rint(matrix.data)
    return matrix.astype(dtype)


def _fit_dtype(values, dtype):
    if dtype.kind in "iub" and values.dtype.kind == "f":
        values = np.rint(values)
    return values if dtype.kind == "O" else values.astype(dtype)
