"""Tests of TomekLinks."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from imblearn.under_sampling import TomekLinks as ImbTomekLinks
from sklearn.datasets import make_classification

from imbestimators.under_sampling import TomekLinks


@st.composite
def continuous_data(draw):
    """Continuous rows, optionally with copied rows that keep their label.

    Copies of a row are each other's nearest neighbours, of the same class:
    they are in no link whichever copy a search returns first, so
    imbalanced-learn's result does not depend on how it breaks those ties.
    """
    n_classes = draw(st.integers(2, 4))
    sizes = [draw(st.integers(3, 60)) for _ in range(n_classes)]
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    n_features = draw(st.integers(1, 5))
    y = rng.permutation(np.repeat(np.arange(n_classes), sizes))
    X = rng.normal(size=(n_classes, n_features))[y] + rng.normal(
        size=(len(y), n_features)
    )
    if draw(st.booleans()):
        source = rng.integers(0, len(y), size=len(y) // 4)
        target = rng.integers(0, len(y), size=len(y) // 4)
        X[target], y[target] = X[source], y[source]
    return X.astype(draw(st.sampled_from([np.float32, np.float64]))), y


@given(
    data=continuous_data(),
    strategy=st.sampled_from(["auto", "all", "majority", "not majority"]),
)
def test_same_rows_as_imbalanced_learn(data, strategy):
    """Check exact agreement with imbalanced-learn, with and without copies."""
    X, y = data
    reference = ImbTomekLinks(sampling_strategy=strategy)
    reference.fit_resample(X, y)
    sampler = TomekLinks(sampling_strategy=strategy)
    X_res, _ = sampler.fit_resample(X, y)
    np.testing.assert_array_equal(sampler.sample_indices_, reference.sample_indices_)
    np.testing.assert_array_equal(X_res, X[sampler.sample_indices_])


@pytest.mark.parametrize("seed", [0, 1])
def test_same_rows_as_imbalanced_learn_after_over_sampling(seed):
    """Check agreement on balanced large classes, where the pivot bound is used."""
    from imbestimators.over_sampling import SMOTE

    X, y = make_classification(
        n_samples=3000, weights=[0.9, 0.1], n_features=6, random_state=seed
    )
    X, y = SMOTE(random_state=seed).fit_resample(X, y)
    reference = ImbTomekLinks(sampling_strategy="all")
    reference.fit_resample(X, y)
    sampler = TomekLinks(sampling_strategy="all")
    sampler.fit_resample(X, y)
    np.testing.assert_array_equal(sampler.sample_indices_, reference.sample_indices_)


def test_only_cleaned_classes_lose_their_linked_rows():
    """Check that a link removes only its end in a cleaned class."""
    X = np.array([[0.0], [1.0], [1.2], [5.0], [5.1], [9.0]])
    y = np.array([0, 0, 1, 0, 0, 1])
    # one link, rows 1 (class 0) and 2 (class 1)
    majority = TomekLinks(sampling_strategy="majority")
    majority.fit_resample(X, y)
    np.testing.assert_array_equal(majority.sample_indices_, [0, 2, 3, 4, 5])
    both = TomekLinks(sampling_strategy="all")
    both.fit_resample(X, y)
    np.testing.assert_array_equal(both.sample_indices_, [0, 3, 4, 5])


def test_identical_rows_of_two_classes_form_a_link():
    """Check the tie rule: a row's copy is its nearest neighbour, lower index first."""
    X = np.array([[0.0, 0.0], [3.0, 3.0], [3.0, 3.0], [9.0, 9.0], [9.5, 9.0]])
    y = np.array([0, 0, 1, 0, 0])
    sampler = TomekLinks(sampling_strategy="all")
    sampler.fit_resample(X, y)
    np.testing.assert_array_equal(sampler.sample_indices_, [0, 3, 4])
