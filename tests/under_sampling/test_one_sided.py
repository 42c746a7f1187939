"""Tests of OneSidedSelection."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from imblearn.under_sampling import OneSidedSelection as ImbOneSidedSelection
from sklearn.datasets import make_classification
from sklearn.neighbors import KNeighborsClassifier

from imbestimators.testing import check_sampler_row_order_invariance, tied_datasets
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


# -- distance ties: decisions that do not depend on row order ----------------------
def order_keeping_cleaned_rows(y, rng):
    """A random order of the rows in which each class but the minority keeps
    the relative order of its rows, so that the seeds, drawn by position
    within a class, are the same rows."""
    minority = int(np.argmin(np.bincount(y)))
    slots = rng.permutation(y)
    order = np.empty(len(y), dtype=np.intp)
    for klass in np.unique(y):
        rows = np.flatnonzero(y == klass)
        order[slots == klass] = rng.permutation(rows) if klass == minority else rows
    return order


# few draws show an order effect here (the seeds are drawn by position): more
# examples than the profile's
@settings(max_examples=150)
@given(
    data=tied_datasets(n_samples=(16, 60), min_minority=3, single_minority=True),
    k=st.sampled_from([None, 1, 3]),
    n_seeds=st.integers(1, 3),
    seed=st.integers(0, 2**16),
)
def test_kept_rows_do_not_depend_on_row_order(data, k, n_seeds, seed):
    """Check that reordering the rows (the seeds staying the same rows) keeps
    the same rows: the condensing vote and the Tomek links are tie-inclusive.
    One class is the smallest: with two, imbalanced-learn's minority is the
    one seen first in y, an order dependence that distance ties have no part
    in."""
    X, y = data
    order = order_keeping_cleaned_rows(y, np.random.default_rng(seed))
    sampler = OneSidedSelection(n_neighbors=k, n_seeds_S=n_seeds, random_state=seed)
    check_sampler_row_order_invariance(sampler, X, y, order=order)


@pytest.mark.parametrize("random_state", [0, 1, 3])
def test_tomek_step_removes_every_tied_link(random_state):
    """Check the Tomek step on a minority row between two majority rows.

    The seed is one of the far rows (position 2 to 4 of the class), so rows -1
    and 1 are misclassified (their nearest training row is the minority row)
    and kept; both are then linked to the minority row at distance 1, and
    both are removed, whichever comes first (the lower-index rule removed
    only the first).
    """
    X = np.array([[-1.0], [0.0], [1.0], [10.0], [11.0], [12.0]])
    y = np.array([0, 1, 0, 0, 0, 0])
    for order in (np.arange(6), np.array([2, 1, 0, 3, 4, 5])):
        sampler = OneSidedSelection(random_state=random_state)
        sampler.fit_resample(X[order], y[order])
        kept = order[sampler.sample_indices_]
        assert 0 not in kept
        assert 2 not in kept
        assert 1 in kept
