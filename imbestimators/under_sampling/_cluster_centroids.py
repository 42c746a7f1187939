"""Cluster centroids: replace each under-sampled class by cluster centres."""

import math

import numpy as np
from scipy import sparse
from sklearn.base import clone
from sklearn.cluster import KMeans
from sklearn.utils import _safe_indexing, check_random_state

from imbestimators.base import BaseUnderSampler
from imbestimators.under_sampling._base import numeric_view
from imbestimators.utils._docstring import fill_doc
from imbestimators.utils._neighbors import (
    _FLOAT64_MAGNITUDE,
    NeighborsIndex,
    _ldexp,
    _magnitude,
)
from imbestimators.utils._param_validation import HasMethods, StrOptions

__all__ = ["ClusterCentroids"]


@fill_doc
class ClusterCentroids(BaseUnderSampler):
    """Under-sample by replacing each targeted class with cluster centres.

    Each under-sampled class is clustered into as many clusters as rows
    asked (k-means by default); it is replaced by the cluster centres
    (``voting="soft"``) or by the row of the class nearest to each centre
    (``voting="hard"``) [1]_. A drop-in replacement for
    :class:`imblearn.under_sampling.ClusterCentroids`.

    Read more in the :ref:`User Guide <cluster_centroids>`.

    Parameters
    ----------
    {sampling_strategy_under}

    {random_state}

    estimator : estimator object, default=None
        A clustering estimator with an ``n_clusters`` parameter and a fitted
        ``cluster_centers_`` attribute. None means
        :class:`~sklearn.cluster.KMeans` with ``random_state``. As in
        imbalanced-learn, an estimator without ``n_clusters`` raises a
        ValueError before any work, and one without ``cluster_centers_``
        after fit a RuntimeError.

    voting : {"auto", "hard", "soft"}, default="auto"
        ``"soft"``: the centres themselves; ``"hard"``: the nearest row of
        the class to each centre (exact search, ties towards the lower row
        index); ``"auto"``: hard for sparse input, soft otherwise.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of samples kept per under-sampled class.
    estimator_ : estimator object
        The clustering estimator, fitted on the last under-sampled class.
    voting_ : str
        The voting used, ``"hard"`` or ``"soft"``.
    n_features_in_ : int
        Number of features seen during ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit_resample``, when they are strings.

    See Also
    --------
    NearMiss : Keep the rows closest to the minority class.
    RandomUnderSampler : Keep rows at random.

    Notes
    -----
    Like imbalanced-learn's, this sampler has no ``sample_indices_`` (its
    tag ``sample_indices`` is False): soft voting generates new rows. Rows
    are returned class after class (sorted labels). One random generator
    serves all classes, so two classes never share a k-means seed;
    imbalanced-learn re-seeds each class with the same ``random_state``
    (with one under-sampled class, both draw the same centres).

    References
    ----------
    .. [1] S.-J. Yen, Y.-S. Lee, "Cluster-based under-sampling approaches for
       imbalanced data distributions", Expert Systems with Applications,
       36(3), pp. 5718-5727, 2009.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imbestimators.under_sampling import ClusterCentroids
    >>> X, y = make_classification(n_classes=2, class_sep=2,
    ...     weights=[0.1, 0.9], n_informative=3, n_redundant=1, flip_y=0,
    ...     n_features=20, n_clusters_per_class=1, n_samples=1000, random_state=10)
    >>> cc = ClusterCentroids(random_state=42)
    >>> X_res, y_res = cc.fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 100), (1, 100)]
    """

    _parameter_constraints: dict = {
        **BaseUnderSampler._parameter_constraints,
        "estimator": [HasMethods(["fit", "predict"]), None],
        "voting": [StrOptions({"auto", "hard", "soft"})],
        "random_state": ["random_state"],
    }

    # soft voting returns new rows: a dataframe output is built from values
    _copies_rows = False

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        estimator=None,
        voting="auto",
    ):
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.estimator = estimator
        self.voting = voting

    def _fit_resample(self, X, y):
        self.estimator_ = self._make_estimator()
        if self.voting == "auto":
            self.voting_ = "hard" if sparse.issparse(X) else "soft"
        else:
            self.voting_ = self.voting
        X_parts, y_parts = [], []
        for klass in np.unique(y):
            rows = np.flatnonzero(y == klass)
            X_class = _safe_indexing(X, rows)
            if klass in self.sampling_strategy_:
                X_class = self._centres(X_class, self.sampling_strategy_[klass])
            X_parts.append(X_class)
            y_parts.append(np.full(X_class.shape[0], klass, dtype=y.dtype))
        if sparse.issparse(X):
            X_res = sparse.vstack(X_parts, format=X.format)
        else:
            X_res = np.vstack(X_parts)
        return X_res, np.concatenate(y_parts)

    def _make_estimator(self):
        if self.estimator is None:
            return KMeans(random_state=check_random_state(self.random_state))
        estimator = clone(self.estimator)
        if "n_clusters" not in estimator.get_params():
            raise ValueError(
                "ClusterCentroids: `estimator` should be a clustering estimator "
                "exposing a parameter `n_clusters` and a fitted parameter "
                f"`cluster_centers_`; got {self.estimator!r}, which has no "
                "n_clusters. Use e.g. KMeans or MiniBatchKMeans."
            )
        return estimator

    def _centres(self, X_class, n_clusters):
        """Centres of ``n_clusters`` clusters of one class, or their nearest rows."""
        self.estimator_.set_params(n_clusters=int(n_clusters))
        exponent = _safe_exponent(X_class)
        # k-means sums squared distances in the data's dtype: near the end of
        # float32's range they overflow (NaN centres). The clusters of data
        # scaled by a power of two are those of the data, scaled: exact.
        self.estimator_.fit(_ldexp(X_class, exponent) if exponent else X_class)
        centres = getattr(self.estimator_, "cluster_centers_", None)
        if exponent and centres is not None:
            centres = np.ldexp(np.asarray(centres), -exponent)
        if centres is None:
            # RuntimeError, as imbalanced-learn raises: the problem shows only
            # after fit, in an estimator that passed the n_clusters check
            raise RuntimeError(
                "ClusterCentroids: `estimator` should be a clustering estimator "
                "exposing a fitted parameter `cluster_centers_`; "
                f"{self.estimator_!r} has none after fit. Use e.g. KMeans or "
                "MiniBatchKMeans."
            )
        if self.voting_ == "hard":
            X_num = numeric_view(X_class)
            nearest = NeighborsIndex(X_num).kneighbors(
                1, np.asarray(centres, dtype=X_num.dtype)
            )[:, 0]
            return _safe_indexing(X_class, nearest)
        if sparse.issparse(X_class):
            return sparse.csr_matrix(centres, dtype=X_class.dtype)
        return np.asarray(centres)


# magnitudes of float32 data whose squared distances k-means can sum without
# overflow or underflow; float64 data use the engine's range
_FLOAT32_MAGNITUDE = (2.0**-50, 2.0**50)


def _safe_exponent(X):
    """0 when k-means can cluster ``X`` as it is, else the power of two that
    brings its largest absolute value near 1 (one max/min pass over ``X``,
    cheap beside the clustering)."""
    magnitude = _magnitude(X)
    low, high = _FLOAT32_MAGNITUDE if X.dtype == np.float32 else _FLOAT64_MAGNITUDE
    if magnitude == 0 or low <= magnitude <= high or not np.isfinite(magnitude):
        return 0
    return -math.frexp(magnitude)[1]
