"""Tests of ClusterCentroids."""

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from imblearn.under_sampling import ClusterCentroids as ImbClusterCentroids
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression

from imbestimators.under_sampling import ClusterCentroids


def data():
    return make_classification(
        n_samples=400, n_features=5, weights=[0.1, 0.3, 0.6], n_classes=3,
        n_informative=3, random_state=0,
    )  # fmt: skip


def test_soft_voting_equals_imbalanced_learn_with_one_class():
    """Check the centres against imbalanced-learn when one class is under-sampled."""
    X, y = data()
    params = {"sampling_strategy": {2: 50}, "random_state": 0}
    X_ref, y_ref = ImbClusterCentroids(**params).fit_resample(X, y)
    X_res, y_res = ClusterCentroids(**params).fit_resample(X, y)
    np.testing.assert_allclose(X_res, X_ref)
    np.testing.assert_array_equal(y_res, y_ref)


def test_hard_voting_returns_rows_of_the_class():
    """Check that hard voting returns, per centre, the nearest row of the class."""
    X, y = data()
    sampler = ClusterCentroids(voting="hard", random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    n_minority = min(Counter(y.tolist()).values())
    assert Counter(y_res.tolist()) == dict.fromkeys((0, 1, 2), n_minority)
    for row, label in zip(X_res, y_res):
        assert any(np.array_equal(row, original) for original in X[y == label])
    assert sampler.voting_ == "hard"


def test_sparse_input_returns_sparse_rows_of_the_class():
    """Check sparse input: sparse output made of rows of each class."""
    X, y = data()
    sampler = ClusterCentroids(random_state=0)
    X_res, y_res = sampler.fit_resample(sparse.csr_matrix(X), y)
    assert sparse.issparse(X_res)
    for row, label in zip(X_res.toarray(), y_res):
        assert any(np.array_equal(row, original) for original in X[y == label])


def test_auto_voting_depends_on_sparsity():
    """Check voting='auto': hard for sparse input, soft for dense input."""
    X, y = data()
    dense = ClusterCentroids(random_state=0)
    dense.fit_resample(X, y)
    sparse_sampler = ClusterCentroids(random_state=0)
    sparse_sampler.fit_resample(sparse.csr_matrix(X), y)
    assert (dense.voting_, sparse_sampler.voting_) == ("soft", "hard")


def test_custom_estimator_and_dataframe_dtypes():
    """Check a custom clustering estimator, and that integer columns stay integer."""
    X, y = data()
    frame = pd.DataFrame(X, columns=list("abcde"))
    frame["a"] = np.round(frame["a"] * 10).astype("int64")
    sampler = ClusterCentroids(
        estimator=MiniBatchKMeans(n_init=1, random_state=0), random_state=0
    )
    X_res, y_res = sampler.fit_resample(frame, y)
    assert X_res["a"].dtype == np.int64
    n_minority = min(Counter(y.tolist()).values())
    assert Counter(y_res.tolist()) == dict.fromkeys((0, 1, 2), n_minority)
    assert isinstance(sampler.estimator_, MiniBatchKMeans)


def test_estimator_without_n_clusters_is_refused():
    """Check the message for an estimator that cannot be given n_clusters."""
    X, y = data()
    with pytest.raises(
        ValueError,
        match=r"`estimator` should be a clustering estimator exposing a parameter "
        r"`n_clusters`.*got LogisticRegression\(\), which has no n_clusters",
    ):
        ClusterCentroids(estimator=LogisticRegression()).fit_resample(X, y)


class _ClustererWithoutCentres(BaseEstimator):
    """A clusterer with n_clusters, fit and predict, but no cluster_centers_."""

    def __init__(self, n_clusters=2):
        self.n_clusters = n_clusters

    def fit(self, X, y=None):
        self.labels_ = np.arange(len(X)) % self.n_clusters
        return self

    def predict(self, X):
        return np.zeros(len(X), dtype=int)


def test_estimator_without_cluster_centers_raises_runtime_error():
    """Check that a clusterer without cluster_centers_ after fit raises RuntimeError.

    imbalanced-learn raises RuntimeError there (its own test checks it); the
    message names the estimator.
    """
    X, y = data()
    sampler = ClusterCentroids(estimator=_ClustererWithoutCentres())
    with pytest.raises(
        RuntimeError,
        match=r"exposing a fitted parameter `cluster_centers_`; "
        r"_ClustererWithoutCentres\(n_clusters=\d+\) has none after fit",
    ):
        sampler.fit_resample(X, y)


def test_one_generator_for_all_classes():
    """Check that two under-sampled classes do not get the same k-means seed."""
    X, y = data()
    sampler = ClusterCentroids(sampling_strategy={1: 40, 2: 40}, random_state=0)
    sampler.fit_resample(X, y)
    assert isinstance(sampler.estimator_, KMeans)
    assert isinstance(sampler.estimator_.random_state, np.random.RandomState)


@pytest.mark.parametrize(
    ("dtype", "exponent"),
    [(np.float32, 126), (np.float32, -100), (np.float64, 900), (np.float64, -900)],
)
def test_centres_do_not_depend_on_the_unit_of_the_data(dtype, exponent):
    """Check finite centres, equal to the unit-scale ones scaled, where
    k-means' squared distances in the data's dtype would overflow (float32
    |X| ~ 1e38 gave NaN centres) or underflow; hard voting keeps the same rows."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 3)).astype(dtype)
    y = np.repeat([0, 1], [20, 40])
    scaled = np.ldexp(X, exponent)
    X_unit, _ = ClusterCentroids(random_state=0).fit_resample(X, y)
    X_res, _ = ClusterCentroids(random_state=0).fit_resample(scaled, y)
    assert X_res.dtype == dtype
    assert np.all(np.isfinite(X_res))
    np.testing.assert_allclose(np.ldexp(X_res, -exponent), X_unit, rtol=1e-5)
    hard = ClusterCentroids(voting="hard", random_state=0)
    X_hard, _ = hard.fit_resample(scaled, y)
    X_hard_unit, _ = ClusterCentroids(voting="hard", random_state=0).fit_resample(X, y)
    np.testing.assert_array_equal(X_hard, np.ldexp(X_hard_unit, exponent))
