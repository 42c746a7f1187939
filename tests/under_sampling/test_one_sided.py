"""Tests of OneSidedSelection."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from imblearn.under_sampling import OneSidedSelection as ImbOneSidedSelection
from sklearn.datasets import make_classification
from sklearn.neighbors import KNeighborsClassifier

from imbestimators.under_sampling import OneSidedSelection


@given(
    seed=st.integers(0, 2**16),
    k=st.sampled_from([None, 1, 3]),
    n_seeds=st.integers(1, 4),
    n_classes=st.integers(2, 3),
    strategy=st.sampled_from(["auto", "all"]),
)
def test_same_rows_as_imbalanced_learn(seed, k, n_seeds, n_classes, strategy):
    """Check that the same random_state keeps the same rows as imbalanced-learn."""
    rng = np.random.default_rng(seed)
    sizes = [15, *rng.integers(30, 100, size=n_classes - 1)]
    y = rng.permutation(np.repeat(np.arange(n_classes), sizes))
    X = rng.normal(size=(n_classes, 3))[y] + rng.normal(size=(len(y), 3))
    params = {
        "n_neighbors": k,
        "n_seeds_S": n_seeds,
        "random_state": seed,
        "sampling_strategy": strategy,
    }
    reference = ImbOneSidedSelection(**params)
    reference.fit_resample(X, y)
    sampler = OneSidedSelection(**params)
    sampler.fit_resample(X, y)
    np.testing.assert_array_equal(sampler.sample_indices_, reference.sample_indices_)


def test_classifier_gives_the_int_rows_and_fitted_estimators():
    """Check a KNeighborsClassifier as n_neighbors, and one estimator per class."""
    X, y = make_classification(
        n_samples=400, weights=[0.1, 0.3, 0.6], n_classes=3, n_informative=3,
        random_state=0,
    )  # fmt: skip
    with_int = OneSidedSelection(n_neighbors=3, random_state=0)
    with_classifier = OneSidedSelection(
        n_neighbors=KNeighborsClassifier(3), random_state=0
    )
    with_int.fit_resample(X, y)
    with_classifier.fit_resample(X, y)
    np.testing.assert_array_equal(
        with_int.sample_indices_, with_classifier.sample_indices_
    )
    assert len(with_classifier.estimators_) == 2
    assert with_classifier.estimators_[0] is not with_classifier.estimators_[1]


def test_too_many_neighbours_name_the_training_set():
    """Check the message when n_neighbors exceeds the classifier's training set."""
    X = np.arange(20, dtype=float).reshape(10, 2)
    y = np.array([0] * 2 + [1] * 8)
    with pytest.raises(
        ValueError,
        match=r"OneSidedSelection: n_neighbors=5 needs at least 5 samples in the "
        r"training set",
    ):
        OneSidedSelection(n_neighbors=5).fit_resample(X, y)
