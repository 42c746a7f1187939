"""Tests of InstanceHardnessThreshold."""

from collections import Counter

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from imbestimators.under_sampling import InstanceHardnessThreshold


def test_keeps_the_rows_with_the_highest_probabilities():
    """Check the kept rows against out-of-fold probabilities computed here."""
    X, y = make_classification(
        n_samples=500, weights=[0.2, 0.8], flip_y=0.05, random_state=0
    )
    cv = StratifiedKFold(n_splits=4, shuffle=True, random_state=0)
    sampler = InstanceHardnessThreshold(estimator=LogisticRegression(), cv=cv)
    _, y_res = sampler.fit_resample(X, y)
    assert cv.random_state == 0  # the user's splitter is not modified
    proba = cross_val_predict(LogisticRegression(), X, y, cv=cv, method="predict_proba")
    own = proba[np.arange(len(y)), y]
    kept = sampler.sample_indices_[y[sampler.sample_indices_] == 1]
    dropped = np.setdiff1d(np.flatnonzero(y == 1), kept)
    assert own[kept].min() >= own[dropped].max()
    n_minority = int(np.sum(y == 0))
    assert Counter(y_res.tolist()) == {0: n_minority, 1: n_minority}


def test_counts_are_exact_with_tied_probabilities():
    """Check that ties in probability do not keep more rows than asked."""
    X = np.zeros((40, 2))  # every row gets the same probability
    y = np.array([0] * 10 + [1] * 30)
    sampler = InstanceHardnessThreshold(estimator=LogisticRegression(), cv=2)
    _, y_res = sampler.fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 10, 1: 10}
    # equal probabilities: the first rows of the class
    np.testing.assert_array_equal(sampler.sample_indices_[10:], np.arange(10, 20))


def test_string_labels_and_random_state():
    """Check string labels, and that random_state fixes the result."""
    X, y = make_classification(n_samples=300, weights=[0.3, 0.7], random_state=1)
    labels = np.array(["rare", "common"])[y]
    first = InstanceHardnessThreshold(random_state=3, cv=3)
    second = InstanceHardnessThreshold(random_state=3, cv=3)
    first.fit_resample(X, labels)
    second.fit_resample(X, labels)
    np.testing.assert_array_equal(first.sample_indices_, second.sample_indices_)
    assert first.estimator_.n_estimators == 100


def test_too_many_folds_is_refused():
    """Check the message when cv exceeds every class size."""
    X = np.arange(16, dtype=float).reshape(8, 2)
    y = np.array([0, 0, 0, 1, 1, 1, 1, 1])
    with pytest.raises(
        ValueError,
        match=r"InstanceHardnessThreshold: cv=6 stratified folds need at least 6 "
        r"samples in some class, but the largest class has 5\. Lower cv\.",
    ):
        InstanceHardnessThreshold(cv=6).fit_resample(X, y)


def test_estimator_must_be_a_classifier():
    """Check the message for an estimator that is no classifier."""
    X, y = make_classification(n_samples=60, random_state=0)

    class Proba(KMeans):
        def predict_proba(self, X):
            return np.ones((len(X), 2)) / 2

    with pytest.raises(ValueError, match="estimator must be a classifier"):
        InstanceHardnessThreshold(estimator=Proba()).fit_resample(X, y)
