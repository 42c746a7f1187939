"""Tests of KMeansSMOTE."""

import math
import warnings
from collections import Counter

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from imblearn.over_sampling import KMeansSMOTE as ImbKMeansSMOTE
from scipy import sparse
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.datasets import make_blobs, make_classification
from sklearn.neighbors import NearestNeighbors

from imbestimators.exceptions import FallbackWarning
from imbestimators.over_sampling import SMOTE, KMeansSMOTE
from imbestimators.over_sampling._kmeans_smote import (
    apportion,
    log_mean_distance,
    weights_from_log,
)
from imbestimators.testing import (
    check_sampler_degenerate_inputs,
    check_sampler_row_order_invariance,
)


def imbalanced(n=1000, weights=(0.8, 0.2), n_classes=2, seed=0, class_sep=1.5):
    return make_classification(
        n_samples=n,
        n_features=4,
        n_informative=3,
        n_redundant=0,
        n_classes=n_classes,
        n_clusters_per_class=2,
        weights=list(weights),
        class_sep=class_sep,
        flip_y=0,
        random_state=seed,
    )


def spy_on_imblearn(monkeypatch):
    """Record imbalanced-learn's (cluster rows of the class, sparsity) pairs."""
    calls = []
    original = ImbKMeansSMOTE._find_cluster_sparsity

    def spy(self, X):
        sparsity = original(self, X)
        calls.append((X.copy(), sparsity))
        return sparsity

    monkeypatch.setattr(ImbKMeansSMOTE, "_find_cluster_sparsity", spy)
    return calls


def imblearn_plan(monkeypatch, params, X, y):
    """imbalanced-learn's fitted sampler and its recorded sparsities."""
    calls = spy_on_imblearn(monkeypatch)
    sampler = ImbKMeansSMOTE(**params)
    _X_res, y_res = sampler.fit_resample(X, y)
    return sampler, calls, y_res


@pytest.mark.parametrize(
    "params",
    [
        {"cluster_balance_threshold": 0.1},
        {"cluster_balance_threshold": 0.1, "density_exponent": 10},
        {"cluster_balance_threshold": 0.05, "density_exponent": -0.5},
        {"kmeans_estimator": 20},
        {"kmeans_estimator": KMeans(n_clusters=12, n_init=1, random_state=3)},
        {
            "kmeans_estimator": MiniBatchKMeans(n_clusters=6, n_init=1, random_state=1),
            "cluster_balance_threshold": 0.2,
            "k_neighbors": NearestNeighbors(n_neighbors=4),
        },
    ],
    ids=["threshold", "exponent", "negative_exponent", "20", "KMeans", "MiniBatch"],
)
@pytest.mark.parametrize("n_classes", [2, 3])
def test_kmeans_smote_clusters_and_weights_are_imblearns(
    monkeypatch, params, n_classes
):
    """Check that the clusters, the qualifying clusters and their weights are
    imbalanced-learn's for the same seed."""
    weights = (0.75, 0.25) if n_classes == 2 else (0.6, 0.25, 0.15)
    X, y = imbalanced(n_classes=n_classes, weights=weights, seed=n_classes)
    params = {**params, "random_state": 7}
    theirs, calls, _ = imblearn_plan(monkeypatch, params, X, y)
    ours = KMeansSMOTE(**params)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FallbackWarning)
        ours.fit_resample(X, y)
    labels = ours.kmeans_estimator_.labels_
    assert np.array_equal(labels, theirs.kmeans_estimator_.labels_)
    position = 0
    for klass, weights_of_class in ours.cluster_weights_.items():
        clusters = np.flatnonzero(weights_of_class)
        recorded = calls[position : position + clusters.size]
        position += clusters.size
        for cluster, (rows, _) in zip(clusters, recorded):
            np.testing.assert_array_equal(X[(labels == cluster) & (y == klass)], rows)
        sparsities = np.array([sparsity for _, sparsity in recorded])
        np.testing.assert_allclose(
            weights_of_class[clusters], sparsities / sparsities.sum(), rtol=1e-9
        )
    assert position == len(calls) > 0


def test_kmeans_smote_exact_counts_where_imblearn_overshoots(monkeypatch):
    """Check that every class gets exactly its count, where imbalanced-learn's
    rounding up of each cluster's share returns extra rows (its issue #1186)."""
    X, y = imbalanced(n=2000, weights=(0.7, 0.3), seed=5)
    params = {"kmeans_estimator": 30, "cluster_balance_threshold": 0.1}
    _, _, y_theirs = imblearn_plan(monkeypatch, {**params, "random_state": 0}, X, y)
    _, y_res = KMeansSMOTE(**params, random_state=0).fit_resample(X, y)
    target = Counter(y.tolist())[0]
    assert Counter(y_res.tolist()) == {0: target, 1: target}
    assert Counter(y_theirs.tolist())[1] > target


def test_kmeans_smote_new_rows_come_from_the_qualifying_clusters():
    """Check that each cluster receives its apportioned number of new rows,
    each interpolated between rows of the class in that cluster."""
    X, y = imbalanced(n=1500, weights=(0.7, 0.3), seed=1)
    sampler = KMeansSMOTE(kmeans_estimator=10, cluster_balance_threshold=0.15)
    X_res, y_res = sampler.set_params(random_state=0).fit_resample(X, y)
    labels = sampler.kmeans_estimator_.labels_
    X_new = X_res[len(X) :]
    # new rows lie in the hull of their cluster's class rows: predict() of the
    # fitted k-means puts an interpolated row in a convex cluster's cell
    new_labels = sampler.kmeans_estimator_.predict(X_new)
    weights = sampler.cluster_weights_[1]
    expected = apportion(len(X_new), weights)
    got = np.bincount(new_labels, minlength=weights.size)
    assert np.array_equal(got, expected)
    assert set(np.flatnonzero(got)) <= set(np.flatnonzero(weights))
    assert np.count_nonzero(weights) >= 2
    assert (y_res[len(X) :] == 1).all()
    # the qualifying rule: share >= threshold and k_neighbors + 1 class rows
    share = np.bincount(labels[y == 1], minlength=10) / np.bincount(labels)
    enough = np.bincount(labels[y == 1], minlength=10) >= 3
    assert np.array_equal(weights > 0, (share >= 0.15) & enough)


def test_kmeans_smote_cluster_with_too_few_class_rows_gets_nothing():
    """Check that a cluster made only of the class, but with k_neighbors rows of
    it, does not qualify (imbalanced-learn's rule), and that the others do."""
    X = np.vstack(
        [
            make_blobs(60, centers=[(0, 0)], random_state=0)[0],
            make_blobs(10, centers=[(50, 0)], random_state=1)[0],
            make_blobs(2, centers=[(0, 50)], random_state=2)[0],
        ]
    )
    y = np.repeat([0, 1, 1], [60, 10, 2])
    estimator = KMeans(n_clusters=3, n_init=3, random_state=0)
    sampler = KMeansSMOTE(kmeans_estimator=estimator, k_neighbors=2, random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    labels = sampler.kmeans_estimator_.labels_
    weights = sampler.cluster_weights_[1]
    assert weights[labels[-1]] == 0  # the 2-row cluster
    assert weights[labels[60]] == 1  # the 10-row cluster takes every new row
    assert Counter(y_res.tolist()) == {0: 60, 1: 60}
    assert (X_res[len(X) :, 0] > 40).all()


class ColumnClusters(ClusterMixin, BaseEstimator):
    """A "clustering" that reads each row's cluster from column 0."""

    def __init__(self, n_clusters=2):
        self.n_clusters = n_clusters

    def fit(self, X, y=None):
        self.labels_ = self.predict(X)
        return self

    def predict(self, X):
        return np.asarray(X)[:, 0].astype(np.intp)


def test_kmeans_smote_cluster_with_exactly_k_plus_one_rows_qualifies():
    """Check that a cluster with exactly k_neighbors + 1 rows of the class
    qualifies. imbalanced-learn computes that count as share * size in
    floating point, 3 / 47 * 47 = 2.9999999999999996 < 3, and skips it."""
    rng = np.random.default_rng(0)
    X = np.column_stack([np.repeat([0, 1], [47, 200]), rng.normal(size=247)])
    y = np.zeros(247, dtype=int)
    y[[0, 1, 2, 47, 48]] = 1  # 3 of 47 rows in cluster 0, 2 in cluster 1
    params = {"kmeans_estimator": ColumnClusters(), "cluster_balance_threshold": 0.05}
    with pytest.raises(RuntimeError, match="No clusters found"):
        ImbKMeansSMOTE(**params, random_state=0).fit_resample(X, y)
    sampler = KMeansSMOTE(**params, random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    np.testing.assert_array_equal(sampler.cluster_weights_[1], [1, 0])
    assert Counter(y_res.tolist()) == {0: 242, 1: 242}
    assert (X_res[len(X) :, 0] == 0).all()


def test_kmeans_smote_falls_back_to_smote_where_imblearn_raises():
    """Check that a class with no qualifying cluster gets its rows by plain
    SMOTE, with one FallbackWarning naming the class, the threshold and the
    best cluster, where imbalanced-learn raises a RuntimeError."""
    X, y = imbalanced(n=1000, weights=(0.97, 0.03), seed=2, class_sep=0.5)
    with pytest.raises(RuntimeError, match="No clusters found"):
        ImbKMeansSMOTE(random_state=0).fit_resample(X, y)
    sampler = KMeansSMOTE(random_state=0)
    msg = (
        r"KMeansSMOTE: no cluster qualifies for class 1 \(threshold 0\.5; the best "
        r"cluster with 3 rows of it is \d+\.\d% class 1 \(\d+ of \d+ rows\); 940 "
        r"new rows\)\. .*cluster_balance_threshold='auto'.* k_neighbors \+ 1 = 3 "
        r".*plain SMOTE.*Lower cluster_balance_threshold"
    )
    with pytest.warns(FallbackWarning, match=msg) as record:
        X_res, y_res = sampler.fit_resample(X, y)
    assert len([w for w in record if w.category is FallbackWarning]) == 1
    assert Counter(y_res.tolist()) == {0: 970, 1: 970}
    assert not sampler.cluster_weights_[1].any()
    # plain SMOTE with the same draws
    X_smote, _ = SMOTE(k_neighbors=2, random_state=0).fit_resample(X, y)
    np.testing.assert_array_equal(X_res, X_smote)


def test_kmeans_smote_fallback_message_without_a_big_enough_cluster():
    """Check the message when no cluster holds k_neighbors + 1 rows of the class."""
    X = np.vstack([np.eye(4) * 10, np.arange(20.0).reshape(10, 2) @ np.ones((2, 4))])
    y = np.repeat([1, 0], [4, 10])
    sampler = KMeansSMOTE(kmeans_estimator=KMeans(n_clusters=14), random_state=0)
    with pytest.warns(FallbackWarning, match="no cluster holds 3 rows of it"):
        _, y_res = sampler.fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 10, 1: 10}


def test_kmeans_smote_class_too_small_error_names_k_neighbors():
    """Check the early error when a class has fewer than k_neighbors + 1 rows,
    the one case with nothing sensible to do."""
    X = np.arange(40.0).reshape(20, 2)
    y = np.array(["maj"] * 18 + ["fraud"] * 2)
    msg = (
        r"KMeansSMOTE: k_neighbors=2 needs at least 3 samples in each resampled "
        r"class, but class 'fraud' has 2\."
    )
    with pytest.raises(ValueError, match=msg):
        KMeansSMOTE().fit_resample(X, y)


def test_kmeans_smote_single_cluster_is_smote():
    """Check that one cluster gives SMOTE's output, with threshold -inf."""
    X, y = imbalanced(n=300)
    sampler = KMeansSMOTE(kmeans_estimator=1, cluster_balance_threshold=0.9)
    X_res, y_res = sampler.set_params(random_state=4, k_neighbors=5).fit_resample(X, y)
    X_smote, y_smote = SMOTE(random_state=4).fit_resample(X, y)
    np.testing.assert_array_equal(X_res, X_smote)
    np.testing.assert_array_equal(y_res, y_smote)
    assert sampler.cluster_balance_threshold_ == -math.inf
    assert sampler.nn_k_.n_neighbors == 6


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_kmeans_smote_identical_rows_in_every_cluster():
    """Check imbalanced-learn issue #1186's reproducer: every qualifying
    cluster's class rows coincide (sparsity 0), so they share equally."""
    X = np.array([[1.0, 1.0]] * 4 + [[2.0, 2.0]] * 4 + [[3.0, 3.0]] * 4)
    y = np.array([1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
    estimator = KMeans(n_clusters=2, n_init=10, random_state=42)
    params = {"cluster_balance_threshold": 0.1, "random_state": 42}
    with pytest.raises(ValueError, match="NaN"):
        ImbKMeansSMOTE(kmeans_estimator=estimator, **params).fit_resample(X, y)
    sampler = KMeansSMOTE(kmeans_estimator=estimator, **params)
    X_res, y_res = sampler.fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 8, 1: 8}
    np.testing.assert_array_equal(X_res[len(X) :], np.ones((4, 2)))


@pytest.mark.parametrize(
    ("threshold", "expected"),
    [("auto", {1: 0.25, 2: 0.25}), (0.3, 0.3), (-1, -1.0)],
)
def test_kmeans_smote_threshold_attribute(threshold, expected):
    """Check cluster_balance_threshold_: per class with 'auto' (imbalanced-learn
    keeps the string), the value otherwise."""
    X, y = imbalanced(n_classes=3, weights=(0.6, 0.2, 0.2), seed=4)
    target = Counter(y.tolist())[0]
    strategy = {0: target, 1: target, 2: target}
    n_new = {k: target - v for k, v in Counter(y.tolist()).items()}
    sampler = KMeansSMOTE(
        sampling_strategy=strategy, cluster_balance_threshold=threshold, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FallbackWarning)
        sampler.fit_resample(X, y)
    if threshold == "auto":
        total = n_new[1] + n_new[2]
        expected = {k: n_new[k] / total / 2 for k in (1, 2)}
    assert sampler.cluster_balance_threshold_ == expected


def test_kmeans_smote_estimators_are_built_as_imblearn_does():
    """Check kmeans_estimator_ (MiniBatchKMeans seeded with random_state, or a
    clone) and nn_k_ (n_neighbors = k + 1, or a clone)."""
    X, y = imbalanced(n=400)
    sampler = KMeansSMOTE(random_state=3, cluster_balance_threshold=0.0)
    sampler.fit_resample(X, y)
    assert isinstance(sampler.kmeans_estimator_, MiniBatchKMeans)
    assert sampler.kmeans_estimator_.random_state == 3
    assert sampler.kmeans_estimator_.n_clusters == 8
    assert sampler.nn_k_.n_neighbors == 3
    estimator = KMeans(n_clusters=4, n_init=1)
    nn = NearestNeighbors(n_neighbors=4)
    sampler.set_params(kmeans_estimator=estimator, k_neighbors=nn).fit_resample(X, y)
    assert sampler.kmeans_estimator_ is not estimator
    assert sampler.kmeans_estimator_.n_clusters == 4
    assert not hasattr(estimator, "labels_")
    assert sampler.nn_k_.n_neighbors == 4
    assert sampler.nn_k_ is not nn


def test_kmeans_smote_fewer_rows_than_clusters():
    """Check that X with fewer rows than n_clusters is clustered one row per
    cluster (imbalanced-learn raises scikit-learn's error), then falls back."""
    X = np.arange(14.0).reshape(7, 2) ** 1.5
    y = np.array([0, 0, 0, 0, 1, 1, 1])
    with pytest.raises(ValueError, match="n_samples=7 should be >= n_clusters=8"):
        ImbKMeansSMOTE(random_state=0).fit_resample(X, y)
    sampler = KMeansSMOTE(random_state=0)
    with pytest.warns(FallbackWarning, match="no cluster holds 3 rows"):
        _, y_res = sampler.fit_resample(X, y)
    assert sampler.kmeans_estimator_.n_clusters == 7
    assert Counter(y_res.tolist()) == {0: 4, 1: 4}


def test_kmeans_smote_bad_cluster_labels():
    """Check the error when the clustering returns negative labels."""

    class NoiseLabels(KMeans):
        def fit_predict(self, X, y=None, sample_weight=None):
            return super().fit_predict(X) - 1

    X, y = imbalanced(n=200)
    sampler = KMeansSMOTE(kmeans_estimator=NoiseLabels(n_clusters=3, n_init=1))
    with pytest.raises(ValueError, match="kmeans_estimator must label each row"):
        sampler.fit_resample(X, y)


def test_kmeans_smote_same_seed_same_output_and_counts_any_row_order():
    """Check determinism for a seed, and exact counts for any order of the
    rows (the clusters themselves may change with the order: k-means++ draws
    its first centres among the rows)."""
    X, y = imbalanced(n=400, n_classes=3, weights=(0.6, 0.3, 0.1), seed=3)
    params = {"cluster_balance_threshold": 0.05, "random_state": 11}
    first = KMeansSMOTE(**params).fit_resample(X, y)
    second = KMeansSMOTE(**params).fit_resample(X, y)
    np.testing.assert_array_equal(first[0], second[0])
    order = np.random.default_rng(0).permutation(len(y))
    _, y_shuffled = KMeansSMOTE(**params).fit_resample(X[order], y[order])
    assert Counter(y_shuffled.tolist()) == Counter(first[1].tolist())


@pytest.mark.parametrize("ties", [False, True])
def test_kmeans_smote_row_order_keeps_originals_and_counts(ties):
    """Check what holds under a reordering of the rows: the original rows and
    the class counts (the clusters, and so the new rows, may change)."""
    X, y = imbalanced(n=500, n_classes=3, weights=(0.6, 0.3, 0.1), seed=6)
    if ties:
        X = np.round(X)  # integer features: many rows and distances tie
    sampler = KMeansSMOTE(cluster_balance_threshold=0.05, random_state=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FallbackWarning)
        check_sampler_row_order_invariance(sampler, X, y, random_state=1)


def test_kmeans_smote_sparse_and_float32():
    """Check that CSR input stays CSR and float32 stays float32, exact counts."""
    X, y = imbalanced(n=600)
    sampler = KMeansSMOTE(cluster_balance_threshold=0.1, random_state=0)
    X_sp, y_sp = sampler.fit_resample(sparse.csr_matrix(X), y)
    assert X_sp.format == "csr"
    assert Counter(y_sp.tolist()) == {0: 480, 1: 480}
    X_32, _ = sampler.fit_resample(X.astype(np.float32), y)
    assert X_32.dtype == np.float32


def test_kmeans_smote_huge_float32_same_clusters_as_unit_data():
    """Check that float32 data near overflow are clustered as the same data
    scaled to unit size (k-means would overflow on them), with finite rows."""
    X, y = imbalanced(n=600)
    X = X.astype(np.float32)
    params = {"cluster_balance_threshold": 0.1, "random_state": 0}
    unit = KMeansSMOTE(**params)
    unit.fit_resample(X, y)
    huge = KMeansSMOTE(**params)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        X_res, _ = huge.fit_resample(np.ldexp(X, 120), y)
    assert np.isfinite(X_res).all()
    np.testing.assert_array_equal(
        huge.kmeans_estimator_.labels_, unit.kmeans_estimator_.labels_
    )
    np.testing.assert_allclose(
        huge.kmeans_estimator_.cluster_centers_,
        np.ldexp(unit.kmeans_estimator_.cluster_centers_, 120),
        rtol=1e-6,
    )


@pytest.mark.slow
def test_kmeans_smote_degenerate_inputs():
    """Check the degenerate cases: exact counts or a clear refusal (with the
    default parameters, tests/testing/test_checks.py runs them too)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FallbackWarning)
        check_sampler_degenerate_inputs(KMeansSMOTE(random_state=0), max_examples=3)


@given(
    n_total=st.integers(0, 10_000),
    weights=st.lists(st.floats(0, 1e6), min_size=1, max_size=30).filter(
        lambda w: sum(w) > 0
    ),
)
def test_apportion_is_exact_and_proportional(n_total, weights):
    """Check the largest-remainder rule: exact total, each count within one of
    its quota, nothing for a zero weight."""
    counts = apportion(n_total, weights)
    weights = np.array(weights)
    quotas = n_total * weights / weights.sum()
    assert counts.sum() == n_total
    assert (np.abs(counts - quotas) < 1 + 1e-9).all()
    assert (counts[weights == 0] == 0).all()


def test_weights_from_log_limits():
    """Check the weights at the limits: no overflow, infinities share."""
    np.testing.assert_allclose(
        weights_from_log([1000.0, 1000.0 + math.log(3)]), [0.25, 0.75]
    )
    np.testing.assert_array_equal(weights_from_log([-np.inf, 2.0]), [0, 1])
    np.testing.assert_array_equal(weights_from_log([-np.inf, -np.inf]), [0.5, 0.5])
    np.testing.assert_array_equal(
        weights_from_log([np.inf, 3.0, np.inf]), [0.5, 0, 0.5]
    )


def test_log_mean_distance_matches_the_definition():
    """Check the blocked mean distance against the full matrix, at any scale."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3))
    diff = X[:, None] - X[None]
    mean = np.sqrt((diff**2).sum(-1)).sum() / (50 * 49)
    assert log_mean_distance(X) == pytest.approx(math.log(mean), rel=1e-12)
    scaled = log_mean_distance(np.ldexp(X, 600))
    assert scaled == pytest.approx(math.log(mean) + 600 * math.log(2), rel=1e-12)
    assert log_mean_distance(np.ones((4, 2))) == -math.inf
