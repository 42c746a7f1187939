"""ADASYN: adaptive synthetic sampling."""

import numbers
import warnings

import numpy as np

from imbestimators.base import check_class_sizes, n_neighbors_from, neighbors_estimator
from imbestimators.exceptions import FallbackWarning
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
    has a neighbour of another class (well separated classes, identical rows)
    leaves ADASYN's weights undefined (0/0): its rows then get uniform
    weights, as in plain SMOTE, and a
    :class:`~imbestimators.exceptions.FallbackWarning` names the class
    (imbalanced-learn raises a ``RuntimeError``). As for :class:`SMOTE`, every
    column must be numeric; non-numeric columns are refused, by name.

    A row's weight is the share of other classes in its tie-inclusive
    neighbourhood: the ``n_neighbors`` nearest rows plus every row at the same
    distance as the last of them (as R's ``class::knn`` votes), so the weights
    do not depend on the order of the rows. On data without distance ties they
    are exactly imbalanced-learn's.

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

    def _plan(self, X, y):
        """Every class's hardness per row; one warning for classes without any."""
        index = NeighborsIndex(X, estimator=neighbors_estimator(self.n_neighbors))
        hardness = {
            klass: self._hardness(index, X, y, klass)
            for klass in self._resampled_classes()
        }
        undefined = [klass for klass, counts in hardness.items() if not counts.any()]
        if undefined:
            warnings.warn(self._fallback_message(undefined), FallbackWarning)
        return hardness

    def _hardness(self, index, X, y, klass):
        """Share of other classes among each class row's k nearest (He et al.).

        The neighbourhood is tie-inclusive (every row at the k-th distance
        counts), so the weights do not depend on the order of the rows.
        """
        class_indices = np.flatnonzero(y == klass)
        counts = index.label_counts(
            self._k, y != klass, X[class_indices], exclude=class_indices, n_labels=2
        )
        # the share times k: without ties, exactly the count of other-class rows
        return counts[:, 1] * (self._k / counts.sum(axis=1))

    def _fallback_message(self, classes):
        listing = ", ".join(
            f"{label_repr(klass)} ({self.sampling_strategy_[klass]} new rows)"
            for klass in classes
        )
        word, its = ("classes", "Their") if len(classes) > 1 else ("class", "Its")
        return (
            f"ADASYN: no row of {word} {listing} has a row of another class among "
            f"its {self._k} nearest neighbours (n_neighbors), so ADASYN's weights "
            f"are undefined (0/0). {its} new rows were generated with uniform "
            "weights, as plain SMOTE does: from random rows of the class towards "
            "random ones of their nearest neighbours in the class."
        )

    def _generate_class(self, X, y, klass, n_new, rng, buffer, hardness):
        X_class = X[np.flatnonzero(y == klass)]
        if not hardness.any():
            self._interpolate_in_class(X_class, klass, n_new, rng, buffer)
            return
        counts = largest_remainder(hardness / hardness.sum(), n_new)
        neighbors = self._class_neighbors(X_class)
        rows = np.repeat(np.arange(X_class.shape[0]), counts)
        cols = rng.randint(self._k, size=n_new)
        steps = rng.uniform(size=n_new)
        buffer.add_interpolated(
            klass, X_class, rows, X_class, neighbors[rows, cols], steps
        )


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
