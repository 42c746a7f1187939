"""Machinery shared by the SMOTE family: parameters, interpolation, output buffer."""

import numbers

import numpy as np
from scipy import sparse
from sklearn.utils import check_random_state

from imbestimators.base import (
    BaseOverSampler,
    check_class_sizes,
    n_neighbors_from,
    neighbors_estimator,
)
from imbestimators.utils._neighbors import NeighborsIndex
from imbestimators.utils._param_validation import HasMethods, Interval
from imbestimators.utils._validation import is_pandas_frame, label_repr

__all__ = ["BaseSMOTE", "interpolate"]

# rows interpolated per chunk: bounds the temporaries to a few MB
_CHUNK_ELEMENTS = 2**17


class BaseSMOTE(BaseOverSampler):
    """Base class of the SMOTE family: ``k_neighbors``, interpolation, output.

    Subclasses implement ``_generate_class(X, y, klass, n_new, rng, buffer,
    plan)``, which appends exactly ``n_new`` rows of one class to ``buffer``;
    this base allocates the output once, copies the original rows, and visits
    the classes in ``sampling_strategy_`` order, so peak memory stays close to
    the size of the result. ``plan`` is what ``_plan(X, y)`` returned for the
    class: a subclass that must look at every class before generating (to fail
    or warn once, before any work) computes it there.

    Interpolation needs numbers: ``_check_X_y`` refuses categorical, text and
    boolean columns, naming them, before anything else is done.
    """

    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        "k_neighbors": [
            Interval(numbers.Integral, 1, None, closed="left"),
            HasMethods(["kneighbors", "kneighbors_graph"]),
        ],
    }

    def __init__(self, *, sampling_strategy="auto", random_state=None, k_neighbors=5):
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.k_neighbors = k_neighbors

    @property
    def _k(self):
        return n_neighbors_from(self.k_neighbors, "k_neighbors")

    def _resampled_classes(self):
        return [klass for klass, n in self.sampling_strategy_.items() if n > 0]

    def _check_sizes(self, y):
        """Fail early, naming the class, when k_neighbors cannot work."""
        k = self._k
        check_class_sizes(
            y,
            self._resampled_classes(),
            k + 1,
            parameter="k_neighbors",
            value=self.k_neighbors,
            estimator=type(self).__name__,
            hint=(
                "Lower k_neighbors to at most the smallest class size minus one, "
                "or use RandomOverSampler, which needs a single sample per class."
            ),
        )

    def _class_neighbors(self, X_class):
        """Each row's k nearest neighbours within its own class (itself excluded)."""
        index = NeighborsIndex(X_class, estimator=neighbors_estimator(self.k_neighbors))
        return index.kneighbors(self._k)

    def _interpolate_in_class(self, X_class, klass, n_new, rng, buffer, base=None):
        """SMOTE's rule: from random base rows towards random class neighbours.

        ``base`` restricts the base rows to these positions in ``X_class``
        (BorderlineSMOTE's rows in danger); by default every row is one.
        """
        neighbors = self._class_neighbors(X_class)
        if base is not None:
            neighbors = neighbors[base]
        rows, cols, steps = self._draw_pairs(len(neighbors), self._k, n_new, rng)
        base_rows = rows if base is None else base[rows]
        buffer.add_interpolated(
            klass, X_class, base_rows, X_class, neighbors[rows, cols], steps
        )

    def _check_X_y(self, X, y, accept_sparse=None):
        check_interpolable(X, type(self).__name__)
        return super()._check_X_y(X, y, accept_sparse=accept_sparse)

    def _plan(self, X, y):
        """Per-class work done for every class before any row is generated."""
        return dict.fromkeys(self._resampled_classes())

    def _fit_resample(self, X, y):
        self._check_sizes(y)
        plans = self._plan(X, y)
        rng = check_random_state(self.random_state)
        buffer = _OutputBuffer(X, y, sum(self.sampling_strategy_.values()))
        for klass in self._resampled_classes():
            n_new = self.sampling_strategy_[klass]
            self._generate_class(X, y, klass, n_new, rng, buffer, plans[klass])
        return buffer.result()

    @staticmethod
    def _draw_pairs(n_base, n_neighbors, n_new, rng):
        """Random (base row, neighbour column, step in [0, 1)) triples."""
        rows = rng.randint(n_base, size=n_new)
        cols = rng.randint(n_neighbors, size=n_new)
        steps = rng.uniform(size=n_new)
        return rows, cols, steps


class _OutputBuffer:
    """The resampled arrays, filled in place: originals first, then new rows.

    For dense input the output array is allocated once at its final size and
    new rows are interpolated straight into it, instead of stacking a list of
    blocks (which needs twice the memory at the end).
    """

    def __init__(self, X, y, n_max_new):
        self.is_sparse = sparse.issparse(X)
        self.y_parts = [y]
        self.dtype = X.dtype
        if self.is_sparse:
            self.X_parts = [X]
        else:
            self.X = np.empty((X.shape[0] + n_max_new, X.shape[1]), dtype=X.dtype)
            self.X[: X.shape[0]] = X
            self.position = X.shape[0]

    def add_interpolated(self, klass, X_base, base_rows, X_nbr, nbr_rows, steps):
        """Append ``X_base[b] + step * (X_nbr[n] - X_base[b])`` rows of ``klass``."""
        n_new = len(base_rows)
        if self.is_sparse:
            self.X_parts.append(interpolate(X_base, base_rows, X_nbr, nbr_rows, steps))
        else:
            out = self.X[self.position : self.position + n_new]
            interpolate(X_base, base_rows, X_nbr, nbr_rows, steps, out=out)
            self.position += n_new
        self.y_parts.append(np.full(n_new, klass, dtype=self.y_parts[0].dtype))
        return n_new

    def result(self):
        y_res = np.concatenate(self.y_parts)
        if self.is_sparse:
            X_res = sparse.vstack(self.X_parts, format=self.X_parts[0].format)
            return X_res.astype(self.dtype), y_res
        if self.position != self.X.shape[0]:
            # every class must fill its share: a gap would be uninitialised rows
            raise RuntimeError(
                f"{self.position} rows were written into an output of "
                f"{self.X.shape[0]}; please report this bug."
            )
        return self.X, y_res


def interpolate(X_base, base_rows, X_nbr, nbr_rows, steps, out=None):
    """Points ``X_base[base_rows] + steps * (X_nbr[nbr_rows] - X_base[base_rows])``.

    Parameters
    ----------
    X_base, X_nbr : {ndarray, sparse matrix} of shape (n, n_features)
        Arrays holding the base rows and the neighbour rows.
    base_rows, nbr_rows : ndarray of int of shape (n_new,)
        Row indices into ``X_base`` and ``X_nbr``.
    steps : ndarray of shape (n_new,)
        Interpolation steps in [0, 1].
    out : ndarray of shape (n_new, n_features), default=None
        Dense output to fill; its dtype is kept. Integer outputs receive
        rounded values.

    Returns
    -------
    ndarray or sparse matrix of shape (n_new, n_features)
    """
    if sparse.issparse(X_base):
        base = X_base[base_rows]
        diff = X_nbr[nbr_rows] - base
        new = base + sparse.diags(steps.astype(X_base.dtype)) @ diff
        return new.asformat(X_base.format).astype(X_base.dtype)
    if out is None:
        out = np.empty((len(base_rows), X_base.shape[1]), dtype=X_base.dtype)
    if out.dtype.kind in "iub":
        return _interpolate_integer(X_base, base_rows, X_nbr, nbr_rows, steps, out)
    chunk = max(1, _CHUNK_ELEMENTS // max(1, X_base.shape[1]))
    for start in range(0, len(base_rows), chunk):
        stop = min(start + chunk, len(base_rows))
        # computed in place in the output: two gathers, three in-place updates
        new = out[start:stop]
        base = np.take(X_base, base_rows[start:stop], axis=0)
        np.take(X_nbr, nbr_rows[start:stop], axis=0, out=new)
        new -= base
        new *= steps[start:stop, None].astype(out.dtype)
        new += base
    return out


def _interpolate_integer(X_base, base_rows, X_nbr, nbr_rows, steps, out):
    """Integer data: interpolate in float64 and round to the nearest integer."""
    chunk = max(1, _CHUNK_ELEMENTS // max(1, X_base.shape[1]))
    for start in range(0, len(base_rows), chunk):
        stop = min(start + chunk, len(base_rows))
        base = X_base[base_rows[start:stop]].astype(np.float64)
        new = X_nbr[nbr_rows[start:stop]].astype(np.float64) - base
        new *= steps[start:stop, None]
        new += base
        out[start:stop] = np.rint(new)
    return out


def check_interpolable(X, estimator):
    """Refuse data that interpolation cannot handle, naming the columns.

    Interpolated values are not categories, strings or booleans: such columns
    would fail deep inside NumPy or, worse, be silently coerced (a category
    column becomes NaN, a bool column rounds). Object columns are accepted
    when they hold numbers, as scikit-learn does. Missing values in a
    dataframe (NaN, ``pd.NA``) are refused with the names of their columns.

    Parameters
    ----------
    X : {array-like, dataframe, sparse matrix} of shape (n_samples, n_features)
        The data given to ``fit_resample``, before validation.
    estimator : str
        Name of the estimator, for the message.

    Raises
    ------
    ValueError
        When a column is not numeric, or a dataframe column holds missing values.
    """
    columns, n_features = _non_numeric_columns(X)
    if columns:
        raise ValueError(_non_numeric_message(columns, n_features, estimator))
    if is_pandas_frame(X):
        missing = [label_repr(name) for name, column in X.items() if column.hasnans]
        if missing:
            word, verb = (
                ("columns", "hold") if len(missing) > 1 else ("column", "holds")
            )
            raise ValueError(
                f"{estimator} cannot interpolate missing values, but {word} "
                f"{', '.join(missing)} {verb} NaN or NA values. Impute "
                "them first (for example with sklearn.impute.SimpleImputer in an "
                "imblearn Pipeline) or drop those rows."
            )


def _non_numeric_columns(X):
    """``([(column, kind), ...], n_features)`` for the columns that are not numbers."""
    if is_pandas_frame(X):
        found = [(name, _frame_column_kind(col)) for name, col in X.items()]
        return [(name, kind) for name, kind in found if kind], X.shape[1]
    if not (sparse.issparse(X) or isinstance(X, np.ndarray)):
        try:
            # lists of rows: object dtype keeps numbers and strings apart
            X = np.asarray(X, dtype=object)
        except ValueError:
            return [], 0  # ragged: validation explains it
    if X.ndim != 2:
        return [], 0  # validation explains the shape
    kind = _array_kind(X.dtype)
    if kind:
        return [(j, kind) for j in range(X.shape[1])], X.shape[1]
    if X.dtype.kind == "O" and not sparse.issparse(X):
        text = [j for j in range(X.shape[1]) if _holds_text(X[:, j])]
        return [(j, "object, with strings") for j in text], X.shape[1]
    return [], X.shape[1]


def _array_kind(dtype):
    """Why a whole NumPy array cannot be interpolated, or None."""
    names = {"b": "bool", "U": "str", "S": "bytes", "M": "datetime", "m": "timedelta"}
    return names.get(dtype.kind)


def _frame_column_kind(column):
    """Why a dataframe column cannot be interpolated, or None when it can."""
    import pandas as pd

    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_bool_dtype(dtype):
        return str(dtype)
    if pd.api.types.is_object_dtype(dtype):
        return "object, with strings" if _holds_text(column.to_numpy()) else None
    if not pd.api.types.is_numeric_dtype(dtype):
        return str(dtype)
    return None


def _holds_text(values):
    return any(isinstance(value, (str, bytes)) for value in values)


def _non_numeric_message(columns, n_features, estimator):
    listing = ", ".join(f"{label_repr(name)} ({kind})" for name, kind in columns)
    if len(columns) == n_features:
        advice = (
            "Every column is categorical: use imbestimators.over_sampling.SMOTEN, "
            "which over-samples nominal data"
        )
    else:
        names = ", ".join(label_repr(name) for name, _ in columns)
        advice = (
            f"Use SMOTENC(categorical_features=[{names}]) instead: it interpolates "
            "the numerical columns and gives each new row the categories most "
            "frequent among its neighbours"
        )
    word, verb = ("columns", "are") if len(columns) > 1 else ("column", "is")
    cast = ""
    if any("bool" in kind for _, kind in columns):
        cast = " To interpolate booleans as numbers in [0, 1], cast them to float."
    return (
        f"{estimator} interpolates between rows, so every column must be numeric, "
        f"but {word} {listing} {verb} not. {advice}; RandomOverSampler copies rows "
        f"of any dtype.{cast}"
    )
