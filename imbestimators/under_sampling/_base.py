"""Helpers shared by the under-samplers: labels, neighbour parameters, output order.

The under-samplers follow imbalanced-learn's conventions, which these helpers
pin down in one place:

- classes are visited in sorted order (``np.unique``), and the rows kept from
  each class are returned class after class, in increasing row order;
- "the minority class" is imbalanced-learn's ``min(Counter(y))``: among the
  smallest classes, the one that appears first in ``y``;
- a neighbours estimator passed as ``n_neighbors`` may or may not count the
  sample itself, depending on the method.
"""

import numbers

import numpy as np
from scipy import sparse
from sklearn.base import clone, is_classifier

from imbestimators.utils._validation import label_repr

__all__ = [
    "check_n_samples",
    "class_codes",
    "class_name",
    "classifier_param",
    "grouped_by_class",
    "is_classifier_object",
    "minority_code",
    "neighbors_param",
    "numeric_view",
    "query_in_chunks",
    "targeted_mask",
    "tie_inclusive_counts",
    "vote",
]


def class_codes(y):
    """Sorted class labels and the code (position in that order) of each row."""
    classes, codes = np.unique(y, return_inverse=True)
    return classes, codes.reshape(-1).astype(np.intp)


def targeted_mask(classes, strategy):
    """Boolean mask over ``classes``: True for the classes named in ``strategy``."""
    return np.array([klass in strategy for klass in classes.tolist()], dtype=bool)


def minority_code(classes, codes):
    """Code of imbalanced-learn's minority class (``min(Counter(y))``).

    ``Counter`` keeps the order of first appearance, so among several smallest
    classes the one whose first row comes first wins.
    """
    counts = np.bincount(codes, minlength=len(classes))
    first_row = np.full(len(classes), len(codes))
    np.minimum.at(first_row, codes, np.arange(len(codes)))
    smallest = np.flatnonzero(counts == counts.min())
    return int(smallest[np.argmin(first_row[smallest])])


def grouped_by_class(codes, keep):
    """Indices of the kept rows, class after class (sorted labels), rows increasing.

    This is the order of imbalanced-learn's ``sample_indices_`` for every
    method that keeps a subset of each class.
    """
    kept = np.flatnonzero(keep)
    return kept[np.argsort(codes[kept], kind="stable")]


def numeric_view(X):
    """X as floats for distance computations: float32/float64 kept, others float64.

    Sparse input becomes CSR (row slicing is what the neighbour searches do)
    in canonical format: with sorted column indices, the distance from ``a``
    to ``b`` sums the same products in the same order as from ``b`` to ``a``,
    so that equal distances compare equal (a Tomek link is decided so).
    """
    if sparse.issparse(X):
        X = sparse.csr_matrix(X)
        if not X.has_canonical_format:
            X = X.copy()  # the arrays may be the caller's
            X.sum_duplicates()
        return X if X.dtype.kind == "f" else X.astype(np.float64)
    X = np.asarray(X)
    return X if X.dtype.kind == "f" else X.astype(np.float64)


def neighbors_param(param, name, estimator_name, *, counts_self, n_jobs=None):
    """Number of neighbours and optional estimator from an ``n_neighbors``-style value.

    Parameters
    ----------
    param : int or estimator
        The user's value: an int, or an object with ``kneighbors``.
    name : str
        Parameter name, for error messages.
    estimator_name : str
        Name of the sampler, for error messages.
    counts_self : bool
        Whether an estimator's ``n_neighbors`` counts the query sample itself
        (imbalanced-learn's convention for the editing methods), in which case
        one neighbour fewer is examined.
    n_jobs : int, default=None
        Set on a clone of the estimator when it has an ``n_jobs`` parameter.

    Returns
    -------
    k : int
        Number of neighbours examined.
    estimator : estimator or None
        A clone of the user's estimator, or None for the built-in engine.
    """
    if isinstance(param, numbers.Integral):
        return int(param), None
    n = getattr(param, "n_neighbors", None)
    minimum = 2 if counts_self else 1
    if not isinstance(n, numbers.Integral) or n < minimum:
        counted = " (it counts the sample itself)" if counts_self else ""
        raise ValueError(
            f"{estimator_name}: {name} must be an int or a neighbours estimator "
            f"with an integer n_neighbors >= {minimum}{counted}; got {param!r}."
        )
    estimator = clone(param)
    if n_jobs is not None and "n_jobs" in estimator.get_params():
        estimator.set_params(n_jobs=n_jobs)
    return int(n) - int(counts_self), estimator


def check_n_samples(n_available, n_required, *, parameter, value, estimator, where):
    """Raise a ValueError when a neighbour search asks for more rows than exist.

    Parameters
    ----------
    n_available : int
        Number of rows available (in ``where``).
    n_required : int
        Number of rows the parameter needs.
    parameter, value : str, object
        The parameter and its value, as shown in the message.
    estimator : str
        Name of the sampler.
    where : str
        What holds the rows, e.g. ``"X"`` or ``"the minority class 1"``.
    """
    if n_available >= n_required:
        return
    raise ValueError(
        f"{estimator}: {parameter}={value} needs at least {n_required} samples in "
        f"{where}, which has {n_available}. Lower {parameter}."
    )


def class_name(classes, code):
    """A class label as users wrote it, for messages."""
    return label_repr(classes[code])


def vote(labels, n_classes, where=None):
    """Majority vote per row of integer codes, ties towards the smallest code.

    This is :class:`~sklearn.neighbors.KNeighborsClassifier`'s uniform vote:
    its classes are sorted and ``argmax`` returns the first maximum. With
    ``where`` (a mask of the same shape), only the marked entries vote:
    tie-inclusive neighbourhoods have different sizes.
    """
    if where is None:
        where = np.ones(labels.shape, dtype=bool)
    rows = np.nonzero(where)[0]
    keys = rows * n_classes + labels[where]
    counts = np.bincount(keys, minlength=labels.shape[0] * n_classes)
    return np.argmax(counts.reshape(labels.shape[0], n_classes), axis=1)


def classifier_param(param, name, estimator_name, *, n_jobs=None):
    """Number of neighbours and optional classifier from an ``n_neighbors`` value.

    ``None`` means 1 neighbour, as in imbalanced-learn's condensing methods;
    an int is searched by the built-in engine; any other value must be a
    k-nearest-neighbours classifier (``fit`` and ``predict``), used as given.

    Returns
    -------
    k : int
        Number of neighbours (the classifier's ``n_neighbors``, when given).
    classifier : estimator or None
        A clone of the classifier, or None for the built-in engine.
    """
    if param is None:
        return 1, None
    if isinstance(param, numbers.Integral):
        return int(param), None
    n = getattr(param, "n_neighbors", None)
    if not (hasattr(param, "fit") and hasattr(param, "predict")) or not isinstance(
        n, numbers.Integral
    ):
        raise ValueError(
            f"{estimator_name}: {name} must be None, an int, or a k-nearest-"
            "neighbours classifier with fit, predict and an integer n_neighbors "
            f"(e.g. KNeighborsClassifier); got {param!r}."
        )
    classifier = clone(param)
    if n_jobs is not None and "n_jobs" in classifier.get_params():
        classifier.set_params(n_jobs=n_jobs)
    return int(n), classifier


def is_classifier_object(obj):
    """True for a scikit-learn classifier; False for ints, None and other objects."""
    if obj is None or isinstance(obj, numbers.Integral):
        return False
    try:
        return is_classifier(obj)
    except (AttributeError, TypeError):
        return False


#: query rows per request to the k-NN engine: its temporaries grow with the
#: number of query rows (about 4 KB a row, measured with 1000 reference rows),
#: so that a query of a million rows would need gigabytes in one request
QUERY_CHUNK = 2**13


def query_in_chunks(
    index,
    n_neighbors,
    X,
    rows,
    *,
    exclude=None,
    largest=False,
    return_distance=False,
    ties="lower_index",
):
    """``index.kneighbors`` for the rows ``X[rows]``, asked in chunks of rows.

    Parameters
    ----------
    index : NeighborsIndex
        The engine's index of the reference rows.
    n_neighbors : int
        Neighbours per query row.
    X : {ndarray, sparse matrix}
        Array holding the query rows.
    rows : ndarray of int
        Query rows.
    exclude : ndarray of int, default=None
        Per query row, a reference index to exclude (see the engine).
    largest : bool, default=False
        Farthest rows instead of nearest.
    return_distance : bool, default=False
        Also return the distances.
    ties : {"lower_index", "include"}, default="lower_index"
        The engine's tie rule; with ``"include"`` the chunks are padded to the
        widest neighbourhood (-1 indices, ``inf`` distances).

    Returns
    -------
    distances : ndarray of shape (len(rows), width)
        Only when ``return_distance=True``.
    indices : ndarray of shape (len(rows), width)
        ``width`` is ``n_neighbors`` unless ``ties="include"``.
    """
    distances, indices = [], []
    for start in range(0, max(len(rows), 1), QUERY_CHUNK):
        part = slice(start, start + QUERY_CHUNK)
        dist, ind = index.kneighbors(
            n_neighbors,
            X[rows[part]],
            exclude=None if exclude is None else exclude[part],
            largest=largest,
            return_distance=True,
            ties=ties,
        )
        distances.append(dist)
        indices.append(ind)
    width = max(ind.shape[1] for ind in indices)
    indices = np.vstack([_pad(ind, width, -1) for ind in indices])
    if not return_distance:
        return indices
    return np.vstack([_pad(dist, width, np.inf) for dist in distances]), indices


def _pad(values, width, fill):
    if values.shape[1] == width:
        return values
    padded = np.full((values.shape[0], width), fill, dtype=values.dtype)
    padded[:, : values.shape[1]] = values
    return padded


def tie_inclusive_counts(index, n_neighbors, labels, X, rows, *, exclude=None):
    """``index.label_counts`` for the rows ``X[rows]``, asked in chunks of rows.

    Returns an ndarray of shape (len(rows), labels.max() + 1).
    """
    n_labels = int(labels.max()) + 1
    counts = np.zeros((len(rows), n_labels), dtype=np.intp)
    for start in range(0, len(rows), QUERY_CHUNK):
        part = slice(start, start + QUERY_CHUNK)
        counts[part] = index.label_counts(
            n_neighbors,
            labels,
            X[rows[part]],
            exclude=None if exclude is None else exclude[part],
        )
    return counts
