"""KMeans-SMOTE: SMOTE inside the clusters where a class is well represented."""

import math
import numbers
import warnings
from typing import NamedTuple

import numpy as np
from sklearn.base import clone
from sklearn.cluster import MiniBatchKMeans
from sklearn.metrics import pairwise_distances_chunked
from sklearn.neighbors import NearestNeighbors

from imbestimators.base import neighbors_estimator
from imbestimators.exceptions import FallbackWarning
from imbestimators.over_sampling._base import BaseSMOTE
from imbestimators.under_sampling._cluster_centroids import _safe_exponent
from imbestimators.utils._docstring import fill_doc
from imbestimators.utils._neighbors import _ldexp, _magnitude, _range_exponent
from imbestimators.utils._param_validation import HasMethods, Interval, StrOptions
from imbestimators.utils._validation import label_repr

__all__ = ["KMeansSMOTE"]


@fill_doc
class KMeansSMOTE(BaseSMOTE):
    """Over-sample with KMeans-SMOTE: cluster, then SMOTE in the minority's clusters.

    The rows of all classes are clustered with k-means; for each resampled
    class, the clusters where the class is well represented get the new rows,
    more of them where its rows are sparse, and SMOTE interpolates within each
    such cluster [1]_. A drop-in replacement for
    :class:`imblearn.over_sampling.KMeansSMOTE` (same parameters, defaults,
    clustering, qualifying clusters and cluster weights for a given seed) that
    always generates exactly the number of rows ``sampling_strategy`` asks for,
    and falls back to plain SMOTE, with a warning, where imbalanced-learn
    raises "No clusters found with sufficient samples" (see Notes).

    Read more in the :ref:`User Guide <over_sampling>`.

    Parameters
    ----------
    {sampling_strategy_over}

    {random_state}
        It also seeds the default ``MiniBatchKMeans`` (imbalanced-learn's
        ``random_state=random_state``), so the clusters are imbalanced-learn's.

    k_neighbors : int or object, default=2
        Number of nearest neighbours of the same class and cluster to
        interpolate with. Either an int, searched exactly by the library's
        k-NN engine (ties broken towards the lower row index), or a neighbours
        estimator with scikit-learn's ``kneighbors`` API, whose
        ``n_neighbors`` counts the sample itself, as in imbalanced-learn. A
        cluster needs ``k_neighbors + 1`` rows of the class to qualify.

    n_jobs : int, default=None
        Number of parallel jobs of the pairwise distances that measure each
        cluster's sparsity, as in imbalanced-learn.

    kmeans_estimator : int or object, default=None
        The clustering: ``None`` for ``MiniBatchKMeans(random_state=random_state)``
        (8 clusters), an int for that many clusters of it, or an estimator
        with ``fit`` and ``predict`` (for instance ``KMeans``), cloned, whose
        labels are cluster numbers from 0. When ``X`` has fewer rows than the
        estimator's ``n_clusters``, it is fitted with one cluster per row
        (imbalanced-learn raises scikit-learn's error); no cluster then holds
        ``k_neighbors + 1`` rows of a class, and the fallback below applies.

    cluster_balance_threshold : "auto" or float, default="auto"
        The share of a class a cluster needs to receive new rows of that
        class. ``"auto"`` is imbalanced-learn's rule: half the class's share of
        all new rows (0.5 for a binary target). With a single cluster, every
        cluster qualifies (the threshold is ``-inf``), as in imbalanced-learn.

    density_exponent : "auto" or float, default="auto"
        Exponent of the mean distance in a cluster's sparsity (see Notes).
        ``"auto"`` is imbalanced-learn's ``0.16 * log_1.6(n) ** 1.8``, where
        ``n`` is the number of rows of the class in the cluster.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of samples generated per resampled class.
    kmeans_estimator_ : estimator
        The fitted clustering estimator.
    nn_k_ : estimator
        imbalanced-learn's attribute: a ``NearestNeighbors`` with
        ``n_neighbors=k_neighbors + 1`` (or a clone of the ``k_neighbors``
        estimator). It is not fitted: the neighbours are searched by the
        library's k-NN engine (or a fresh clone per cluster).
    cluster_balance_threshold_ : float or dict
        The threshold used: ``cluster_balance_threshold`` as given, ``-inf``
        with a single cluster, and with ``"auto"`` a dict giving each resampled
        class its threshold (imbalanced-learn keeps the string ``"auto"``).
    cluster_weights_ : dict of ndarray
        For each resampled class, the share of its new rows given to each
        cluster (indexed by cluster label): the normalised sparsities of the
        qualifying clusters, 0 elsewhere. All zeros for a class that fell back
        to plain SMOTE.
    n_features_in_ : int
        Number of features seen during ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit_resample``, when they are strings.

    See Also
    --------
    SMOTE : Interpolate from every row of the class.
    BorderlineSMOTE : Interpolate only from minority rows near the border.
    ADASYN : Generate more samples where the minority is harder to learn.

    Notes
    -----
    For each resampled class, a cluster *qualifies* when the class makes up
    at least ``cluster_balance_threshold`` of its rows and it holds at least
    ``k_neighbors + 1`` rows of the class. A qualifying cluster's sparsity is
    ``mean_distance ** density_exponent / n``, the mean Euclidean distance
    between its ``n`` rows of the class raised to the exponent, over ``n``; the
    class's new rows are shared among the qualifying clusters in proportion
    to their sparsities, and each new row interpolates, as :class:`SMOTE`
    does, between a row of the class in the cluster and one of its
    ``k_neighbors`` nearest rows of the class in the same cluster. The
    clustering, the qualifying clusters and the weights are imbalanced-learn's
    for the same ``random_state`` (the data are clustered once; imbalanced-learn
    refits the same estimator for each class, which gives the same clusters
    unless the seed is a ``RandomState`` instance or None). Departures:

    - **Exact counts.** The shares are rounded by the largest-remainder rule,
      so each class receives exactly the rows ``sampling_strategy`` asks for;
      imbalanced-learn rounds every cluster's share up and can return up to
      one extra row per qualifying cluster (imbalanced-learn issue #1186).
    - **No qualifying cluster.** When no cluster qualifies for a class
      (common with ``"auto"``, which asks a binary target's minority to be
      half of a cluster), its rows are interpolated as plain :class:`SMOTE`
      does, within the whole class, as the algorithm's reference
      implementation does; one :class:`~imbestimators.exceptions.FallbackWarning`
      names each such class, the threshold and its best cluster.
      imbalanced-learn raises a ``RuntimeError`` (issues #967, #1186). A class
      with fewer than ``k_neighbors + 1`` rows is refused with a
      ``ValueError`` naming ``k_neighbors``, before any work.
    - **Degenerate sparsities.** Clusters whose rows of the class coincide
      have sparsity 0; if every qualifying cluster does, they share the rows
      equally (imbalanced-learn divides 0 by 0 and fails). Sparsities are
      compared in log space, so no power overflows.

    k-means starts from random centres drawn from the rows, so the clusters,
    and thus the new rows, can change with the order of the rows even for a
    fixed seed; the class counts cannot. The ``"auto"`` exponent follows
    imbalanced-learn, which uses the number of rows; the paper uses the number
    of features (pass ``density_exponent=n_features`` for it). Because the
    exponent differs between clusters, the weights depend on the unit of the
    data.

    References
    ----------
    .. [1] F. Last, G. Douzas, F. Bacao, "Oversampling for imbalanced learning
       based on k-means and SMOTE", Information Sciences, 465, 1-20, 2018.
       https://arxiv.org/abs/1711.00837

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imbestimators.over_sampling import KMeansSMOTE
    >>> X, y = make_classification(n_samples=1000, weights=[0.9, 0.1],
    ...                            class_sep=2, flip_y=0, random_state=10)
    >>> sampler = KMeansSMOTE(cluster_balance_threshold=0.1, random_state=42)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 900), (1, 900)]
    >>> int((sampler.cluster_weights_[1] > 0).sum())  # clusters that got rows
    2
    """

    _parameter_constraints: dict = {
        **BaseSMOTE._parameter_constraints,
        "kmeans_estimator": [
            HasMethods(["fit", "predict"]),
            Interval(numbers.Integral, 1, None, closed="left"),
            None,
        ],
        "cluster_balance_threshold": [StrOptions({"auto"}), numbers.Real],
        "density_exponent": [StrOptions({"auto"}), numbers.Real],
        "n_jobs": [numbers.Integral, None],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        k_neighbors=2,
        n_jobs=None,
        kmeans_estimator=None,
        cluster_balance_threshold="auto",
        density_exponent="auto",
    ):
        super().__init__(
            sampling_strategy=sampling_strategy,
            random_state=random_state,
            k_neighbors=k_neighbors,
        )
        self.n_jobs = n_jobs
        self.kmeans_estimator = kmeans_estimator
        self.cluster_balance_threshold = cluster_balance_threshold
        self.density_exponent = density_exponent

    def _plan(self, X, y):
        """Cluster once, then choose and weight each resampled class's clusters."""
        classes = self._resampled_classes()
        self.kmeans_estimator_ = self._make_kmeans(X.shape[0])
        estimator = neighbors_estimator(self.k_neighbors)
        self.nn_k_ = (
            NearestNeighbors(n_neighbors=self._k + 1)
            if estimator is None
            else clone(estimator)
        )
        labels = self._cluster(X) if classes else np.zeros(len(y), dtype=np.intp)
        total = sum(self.sampling_strategy_[klass] for klass in classes)
        thresholds = {klass: self._threshold(klass, total) for klass in classes}
        plans = {
            klass: self._class_plan(X, y, labels, klass, thresholds[klass])
            for klass in classes
        }
        if self.cluster_balance_threshold == "auto" and not self._single_cluster:
            self.cluster_balance_threshold_ = thresholds
        else:
            self.cluster_balance_threshold_ = self._threshold(None, total)
        self.cluster_weights_ = {klass: plan.weights for klass, plan in plans.items()}
        fallback = {klass: plan for klass, plan in plans.items() if plan.fallback}
        if fallback:
            warnings.warn(self._fallback_message(fallback), FallbackWarning)
        return plans

    @property
    def _single_cluster(self):
        return getattr(self.kmeans_estimator_, "n_clusters", None) == 1

    def _make_kmeans(self, n_samples):
        """imbalanced-learn's estimator, with at most one cluster per row."""
        if self.kmeans_estimator is None:
            estimator = MiniBatchKMeans(random_state=self.random_state)
        elif isinstance(self.kmeans_estimator, numbers.Integral):
            estimator = MiniBatchKMeans(
                n_clusters=int(self.kmeans_estimator), random_state=self.random_state
            )
        else:
            estimator = clone(self.kmeans_estimator)
        n_clusters = estimator.get_params().get("n_clusters")
        if isinstance(n_clusters, numbers.Integral) and n_clusters > n_samples:
            # k-means refuses more clusters than rows; one row per cluster is
            # what it would find, and no cluster can then qualify
            estimator.set_params(n_clusters=n_samples)
        return estimator

    def _cluster(self, X):
        """Cluster labels of the rows, from 0."""
        estimator = self.kmeans_estimator_
        exponent = _safe_exponent(X)
        # k-means sums squared distances in X's dtype, which overflow near the
        # end of float32's range; scaling by a power of two is exact and keeps
        # the clusters (as ClusterCentroids does)
        X_fit = _ldexp(X, exponent) if exponent else X
        if hasattr(estimator, "fit_predict"):
            labels = estimator.fit_predict(X_fit)
        else:
            labels = estimator.fit(X_fit).predict(X_fit)
        centres = getattr(estimator, "cluster_centers_", None)
        if exponent and centres is not None:
            estimator.cluster_centers_ = np.ldexp(centres, -exponent)
        labels = np.asarray(labels)
        if (
            labels.shape != (X.shape[0],)
            or labels.dtype.kind not in "iu"
            or labels.min() < 0
        ):
            raise ValueError(
                f"KMeansSMOTE: kmeans_estimator must label each row of X with a "
                f"cluster number from 0; {estimator!r} returned labels of shape "
                f"{labels.shape} and dtype {labels.dtype} (minimum "
                f"{labels.min() if labels.size else None}). Use e.g. KMeans or "
                "MiniBatchKMeans."
            )
        return labels

    def _threshold(self, klass, total):
        """The share of ``klass`` a cluster needs (imbalanced-learn's rule)."""
        if self._single_cluster:
            return -math.inf
        if self.cluster_balance_threshold == "auto":
            return self.sampling_strategy_[klass] / total / 2
        return float(self.cluster_balance_threshold)

    def _class_plan(self, X, y, labels, klass, threshold):
        """The qualifying clusters of one class, their weights and row counts."""
        n_slots = max(
            int(labels.max()) + 1,
            getattr(self.kmeans_estimator_, "n_clusters", 0) or 0,
        )
        in_class = y == klass
        counts = np.bincount(labels[in_class], minlength=n_slots)
        sizes = np.bincount(labels, minlength=n_slots)
        with np.errstate(invalid="ignore", divide="ignore"):
            shares = counts / sizes
        enough = counts >= self._k + 1
        qualifies = (sizes > 0) & enough & (shares >= threshold)
        clusters = np.flatnonzero(qualifies)
        weights = np.zeros(n_slots)
        n_new = self.sampling_strategy_[klass]
        if clusters.size:
            log_sparsity = [
                self._log_sparsity(X[in_class & (labels == cluster)])
                for cluster in clusters
            ]
            weights[clusters] = weights_from_log(np.array(log_sparsity))
        best = _best_cluster(shares, counts, sizes, enough)
        return _ClusterPlan(
            labels=labels,
            clusters=clusters,
            n_rows=apportion(n_new, weights[clusters]),
            weights=weights,
            threshold=threshold,
            best=best,
        )

    def _log_sparsity(self, X_cluster):
        """log(mean_distance ** exponent / n) of one cluster's rows of a class."""
        n = X_cluster.shape[0]
        if self.density_exponent == "auto":
            exponent = math.log(n, 1.6) ** 1.8 * 0.16
        else:
            exponent = float(self.density_exponent)
        log_mean = log_mean_distance(X_cluster, n_jobs=self.n_jobs)
        if exponent == 0:
            # 0 ** 0 == 1, as imbalanced-learn computes it
            return -math.log(n)
        return exponent * log_mean - math.log(n)

    def _generate_class(self, X, y, klass, n_new, rng, buffer, plan):
        class_indices = np.flatnonzero(y == klass)
        if plan.fallback:
            self._interpolate_in_class(X[class_indices], klass, n_new, rng, buffer)
            return
        class_labels = plan.labels[class_indices]
        for cluster, n_rows in zip(plan.clusters, plan.n_rows):
            if n_rows:
                rows = class_indices[class_labels == cluster]
                self._interpolate_in_class(X[rows], klass, n_rows, rng, buffer)

    def _fallback_message(self, fallback):
        k = self._k
        parts = []
        for klass, plan in fallback.items():
            name = label_repr(klass)
            if plan.best is None:
                best = f"no cluster holds {k + 1} rows of it"
            else:
                share, count, size = plan.best
                best = (
                    f"the best cluster with {k + 1} rows of it is {share:.1%} class "
                    f"{name} ({count} of {size} rows)"
                )
            parts.append(
                f"class {name} (threshold {plan.threshold:.3g}; {best}; "
                f"{self.sampling_strategy_[klass]} new rows)"
            )
        its = "Their" if len(fallback) > 1 else "Its"
        return (
            f"KMeansSMOTE: no cluster qualifies for {'; '.join(parts)}. A cluster "
            "qualifies for a class when the class makes up at least "
            f"cluster_balance_threshold={self.cluster_balance_threshold!r} of its "
            f"rows and it holds at least k_neighbors + 1 = {k + 1} of them. {its} "
            "new rows were interpolated as plain SMOTE does, within the whole "
            "class. Lower cluster_balance_threshold or change the number of "
            "clusters (kmeans_estimator) to over-sample cluster by cluster."
        )


class _ClusterPlan(NamedTuple):
    """KMeansSMOTE's plan for one class."""

    labels: np.ndarray  # cluster label of every row of X
    clusters: np.ndarray  # the qualifying clusters
    n_rows: np.ndarray  # new rows of each qualifying cluster
    weights: np.ndarray  # share of the new rows, per cluster label
    threshold: float
    best: tuple | None  # (share, count, size) of the best cluster, for the message

    @property
    def fallback(self):
        return self.clusters.size == 0


def _best_cluster(shares, counts, sizes, enough):
    """(share, count, size) of the cluster with the largest share of the class
    among those holding enough of its rows, or None."""
    candidates = np.flatnonzero(enough & (sizes > 0))
    if not candidates.size:
        return None
    best = candidates[np.argmax(shares[candidates])]
    return float(shares[best]), int(counts[best]), int(sizes[best])


def log_mean_distance(X, n_jobs=None):
    """Log of the mean Euclidean distance between distinct rows of ``X``.

    Computed in float64, block by block (never the full distance matrix), on
    a copy scaled by a power of two when float64 squares could overflow or
    underflow; ``-inf`` when every row is the same point.
    """
    X = X.astype(np.float64)
    exponent = _range_exponent(_magnitude(X))
    if exponent:
        X = _ldexp(X, exponent)
    n = X.shape[0]
    total = 0.0
    for block in pairwise_distances_chunked(X, metric="euclidean", n_jobs=n_jobs):
        # scikit-learn zeroes the diagonal of a Euclidean self-distance chunk
        total += float(block.sum())
    if total == 0:
        return -math.inf
    return math.log(total / (n * (n - 1))) - exponent * math.log(2)


def weights_from_log(log_values):
    """Normalised ``exp(log_values)``, without overflow.

    Infinite values (sparsity ``+inf`` from a zero distance and a negative
    exponent) share the whole weight equally; when every value is ``-inf``
    (every cluster's rows coincide) the weights are equal.
    """
    log_values = np.asarray(log_values, dtype=np.float64)
    top = np.isposinf(log_values)
    if top.any():
        return top / np.count_nonzero(top)
    if np.isneginf(log_values).all():
        return np.full(log_values.shape, 1 / log_values.size)
    weights = np.exp(log_values - log_values.max())
    return weights / weights.sum()


def apportion(n_total, weights):
    """Integer counts summing to ``n_total``, in proportion to ``weights``.

    The largest-remainder rule: every count is its quota rounded down, and the
    rows left go to the largest remainders (the lower position on a tie).
    Positions with zero weight get nothing.
    """
    weights = np.asarray(weights, dtype=np.float64)
    if not weights.size:
        return np.zeros(0, dtype=np.intp)
    quotas = n_total * weights / weights.sum()
    counts = np.floor(quotas).astype(np.intp)
    remainders = np.where(weights > 0, quotas - counts, -1.0)
    left = n_total - int(counts.sum())
    if left >= 0:
        counts[np.argsort(-remainders, kind="stable")[:left]] += 1
    else:
        # a quota rounded up to an integer by floating point: take the extra
        # rows back from the smallest remainders among nonzero counts
        order = np.argsort(np.where(counts > 0, remainders, 2.0), kind="stable")
        counts[order[:-left]] -= 1
    return counts
