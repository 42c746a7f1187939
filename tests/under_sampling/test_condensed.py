"""Tests of CondensedNearestNeighbour."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.datasets import make_classification
from sklearn.neighbors import KNeighborsClassifier, NearestNeighbors

from imbestimators.under_sampling import CondensedNearestNeighbour


def hart(X, y, seed, k, n_seeds=1):
    """Hart's rule written plainly: refit a classifier on C before each row."""
    rng = np.random.RandomState(seed)
    classes, counts = np.unique(y, return_counts=True)
    minority = np.flatnonzero(y == classes[np.argmin(counts)])
    kept = []
    for klass in classes:
        rows = np.flatnonzero(y == klass)
        if klass == classes[np.argmin(counts)]:
            kept.extend(rows)
            continue
        seeds = rows[rng.randint(0, len(rows), size=n_seeds)]
        store = [*minority, *seeds]
        added = []
        for row in rows:
            if row in seeds:
                continue
            classifier = KNeighborsClassifier(k).fit(X[store], y[store])
            if classifier.predict(X[[row]])[0] != klass:
                store.append(row)
                added.append(row)
        kept.extend([*seeds, *added])
    return np.array(kept)


@given(
    seed=st.integers(0, 2**16),
    k=st.integers(1, 4),
    n_seeds=st.integers(1, 3),
    n_classes=st.integers(2, 3),
)
def test_same_rows_as_hart_rule(seed, k, n_seeds, n_classes):
    """Check the windowed pass against Hart's rule refitted row by row."""
    rng = np.random.default_rng(seed)
    sizes = [8, *rng.integers(20, 60, size=n_classes - 1)]
    y = rng.permutation(np.repeat(np.arange(n_classes), sizes))
    X = rng.normal(size=(n_classes, 3))[y] * 0.7 + rng.normal(size=(len(y), 3))
    sampler = CondensedNearestNeighbour(
        n_neighbors=k, n_seeds_S=n_seeds, random_state=seed
    )
    sampler.fit_resample(X, y)
    np.testing.assert_array_equal(sampler.sample_indices_, hart(X, y, seed, k, n_seeds))


def test_removed_rows_are_classified_correctly_by_the_final_set():
    """Check Hart's invariant: the final C classifies every dropped row right."""
    X, y = make_classification(
        n_samples=1500, weights=[0.1, 0.9], flip_y=0.05, random_state=0
    )
    sampler = CondensedNearestNeighbour(n_neighbors=3, random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    dropped = np.setdiff1d(np.arange(len(y)), sampler.sample_indices_)
    assert dropped.size > 0
    final = KNeighborsClassifier(3).fit(X_res, y_res)
    np.testing.assert_array_equal(final.predict(X[dropped]), y[dropped])
    np.testing.assert_array_equal(
        sampler.estimators_[0].predict(X[dropped]), y[dropped]
    )


def test_classifier_gives_the_int_rows():
    """Check that a KNeighborsClassifier as n_neighbors keeps the same rows."""
    X, y = make_classification(n_samples=200, weights=[0.2, 0.8], random_state=1)
    with_int = CondensedNearestNeighbour(n_neighbors=3, random_state=0)
    with_classifier = CondensedNearestNeighbour(
        n_neighbors=KNeighborsClassifier(3), random_state=0
    )
    with_int.fit_resample(X, y)
    with_classifier.fit_resample(X, y)
    np.testing.assert_array_equal(
        with_int.sample_indices_, with_classifier.sample_indices_
    )


def test_too_many_neighbours_name_the_starting_set():
    """Check the message when n_neighbors exceeds the starting set C."""
    X = np.arange(20, dtype=float).reshape(10, 2)
    y = np.array([0] * 2 + [1] * 8)
    with pytest.raises(
        ValueError,
        match=r"CondensedNearestNeighbour: n_neighbors=4 needs at least 4 samples "
        r"in the starting set C \(the minority class 0 plus n_seeds_S=1 seeds\), "
        r"which has 3\.",
    ):
        CondensedNearestNeighbour(n_neighbors=4).fit_resample(X, y)


def test_neighbours_estimator_without_predict_is_refused():
    """Check the message for a NearestNeighbors given as classifier."""
    X = np.arange(20, dtype=float).reshape(10, 2)
    y = np.array([0] * 3 + [1] * 7)
    with pytest.raises(ValueError, match="n_neighbors must be None, an int, or a k-"):
        CondensedNearestNeighbour(n_neighbors=NearestNeighbors()).fit_resample(X, y)
