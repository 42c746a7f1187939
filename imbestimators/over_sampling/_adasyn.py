"""ADASYN: adaptive synthetic sampling."""

import numbers

import numpy as np

from imbestimators.base import check_class_sizes, n_neighbors_from, neighbors_estimator
from imbestimators.over_sampling._base import BaseSMOTE
from imbestimators.utils._docstring import fill_doc
from imbestimators.utils._neighbors import NeighborsIndex
from imbestimators.utils._param_validation import HasMethods, Interval
from imbestimators.utils._validation import label_repr

__all__ = ["ADASYN"]


@fill_doc
class ADASYN(BaseSMOTE):
    """Over-sample with ADASYN: more synthetic rows where the class is harder.

    Each row of a resampled class receives a share of the new samples
    proportional to the fraction of other classes among its ``n_neighbors``
    nearest neighbours (all classes) [1]_; samples are then interpolated
    towards same-class neighbours as in SMOTE. A drop-in replacement for
    :class:`imblearn.over_sampling.ADASYN`.

    Read more in the :ref:`User Guide <over_sampling>`.

    Parameters
    ----------
    {sampling_strategy_over}

    {random_state}

    n_neighbors : int or object, default=5
        Number of nearest neighbours used both to weight the rows and to
        interpolate. An int, or a neighbours estimator whose ``n_neighbors``
        counts the sample itself (imbalanced-learn's convention).

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of samples generated per resampled class.
    n_features_in_ : int
        Number of features seen during ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit_resample``, when they are strings.

    See Also
    --------
    SMOTE : Interpolate from every row of the class with equal weight.
    BorderlineSMOTE : Interpolate only from rows in danger.

    Notes
    -----
    The number of new samples per row is the row's weight times the requested
    total, rounded by the largest-remainder method, so the class reaches
    exactly the size ``sampling_strategy`` asks for (imbalanced-learn rounds
    each row independently, and the total drifts). A class none of whose rows
    has a neighbour of another class raises a ``ValueError``: ADASYN's weights
    are undefined there; use SMOTE.

    References
    ----------
    .. [1] H. He, Y. Bai, E. A. Garcia, S. Li, "ADASYN: Adaptive synthetic
       sampling approach for imbalanced learning", IJCNN 2008.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imbestimators.over_sampling import ADASYN
    >>> X, y = make_classification(n_samples=1000, weights=[0.9, 0.1],
    ...                            flip_y=0, random_state=10)
    >>> X_res, y_res = ADASYN(random_state=42).fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 900), (1, 900)]
    """

    _parameter_constraints: dict = {
        **{
            key: value
            for key, value in BaseSMOTE._parameter_constraints.items()
            if key != "k_neighbors"
        },
        "n_neighbors": [
            Interval(numbers.Integral, 1, None, closed="left"),
            HasMethods(["kneighbors", "kneighbors_graph"]),
        ],
    }

    def __init__(self, *, sampling_strategy="auto", random_state=None, n_neighbors=5):
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.n_neighbors = n_neighbors

    @property
    def _k(self):
        return n_neighbors_from(self.n_neighbors, "n_neighbors")

    def _check_sizes(self, y):
        check_class_sizes(
            y,
            self._resampled_classes(),
            self._k + 1,
            parameter="n_neighbors",
            value=self.n_neighbors,
            estimator="ADASYN",
            hint=(
                "Lower n_neighbors to at most the smallest class size minus one, "
                "or use RandomOverSampler, which needs a single sample per class."
            ),
        )

    def _class_neighbors(self, X_class):
        index = NeighborsIndex(X_class, estimator=neighbors_estimator(self.n_neighbors))
        return index.kneighbors(self._k)

    def _generate_class(self, X, y, klass, n_new, rng, buffer):
        class_indices = np.flatnonzero(y == klass)
        counts = self._samples_per_row(X, y, class_indices, klass, n_new)
        X_class = X[class_indices]
        neighbors = self._class_neighbors(X_class)
        rows = np.repeat(np.arange(len(class_indices)), counts)
        cols = rng.randint(self._k, size=n_new)
        steps = rng.uniform(size=n_new)
        buffer.add_interpolated(
            klass, X_class, rows, X_class, neighbors[rows, cols], steps
        )

    def _samples_per_row(self, X, y, class_indices, klass, n_new):
        """ADASYN's allocation: share of other classes among each row's neighbours."""
        index = NeighborsIndex(X, estimator=neighbors_estimator(self.n_neighbors))
        neighbors = index.kneighbors(self._k, X[class_indices], exclude=class_indices)
        hardness = np.count_nonzero(y[neighbors] != klass, axis=1).astype(np.float64)
        if not hardness.any():
            raise ValueError(
                f"ADASYN: no sample of class {label_repr(klass)} has a neighbour of "
                f"another class among its n_neighbors={self.n_neighbors} nearest "
                "neighbours, so ADASYN's weights are undefined (0/0). Use SMOTE "
                "for this data, or raise n_neighbors."
            )
        return largest_remainder(hardness / hardness.sum(), n_new)


def largest_remainder(weights, total):
    """Integer counts proportional to ``weights`` that sum exactly to ``total``.

    Each count is the floor of its quota; the remaining units go to the
    largest fractional parts, ties to the lower index (Hamilton's method).

    Examples
    --------
    >>> import numpy as np
    >>> from imbestimators.over_sampling._adasyn import largest_remainder
    >>> largest_remainder(np.array([0.5, 0.3, 0.2]), 4)
    array([2, 1, 1])
    """
    quotas = weights * total
    counts = np.floor(quotas).astype(np.int64)
    remainder = total - counts.sum()
    if remainder > 0:
        order = np.lexsort((np.arange(len(quotas)), -(quotas - counts)))
        counts[order[:remainder]] += 1
    return counts
