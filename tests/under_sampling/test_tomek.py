"""Tests of TomekLinks."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from imblearn.under_sampling import TomekLinks as ImbTomekLinks
from scipy import sparse
from sklearn.datasets import make_classification

from imbestimators.testing import check_sampler_row_order_invariance, tied_datasets
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
    """Check that identical rows of two classes are linked: nothing is closer."""
    X = np.array([[0.0, 0.0], [3.0, 3.0], [3.0, 3.0], [9.0, 9.0], [9.5, 9.0]])
    y = np.array([0, 0, 1, 0, 0])
    sampler = TomekLinks(sampling_strategy="all")
    sampler.fit_resample(X, y)
    np.testing.assert_array_equal(sampler.sample_indices_, [0, 3, 4])


def test_every_tied_link_is_removed():
    """Check Tomek's definition with ties: a minority row between two majority
    rows at the same distance is linked to both.

    The lower-index rule linked row 2 with row 1 only, and with row 3 once the
    rows were reordered.
    """
    X = np.array([[-5.0], [-1.0], [0.0], [1.0], [5.0], [5.5]])
    y = np.array([0, 0, 1, 0, 0, 0])
    for order in (np.arange(6), np.array([3, 2, 1, 0, 5, 4])):
        sampler = TomekLinks()
        sampler.fit_resample(X[order], y[order])
        assert sorted(order[sampler.sample_indices_].tolist()) == [0, 2, 4, 5]


# -- distance ties: decisions that do not depend on row order ----------------------
@given(
    data=tied_datasets(),
    strategy=st.sampled_from(["auto", "all", "not minority"]),
    seed=st.integers(0, 2**16),
)
def test_kept_rows_do_not_depend_on_row_order(data, strategy, seed):
    """Check that permuting the rows keeps the same rows (values and labels)."""
    X, y = data
    sampler = TomekLinks(sampling_strategy=strategy)
    check_sampler_row_order_invariance(sampler, X, y, random_state=seed)


def test_sparse_rows_with_unsorted_indices_give_the_dense_links():
    """Check sparse input whose column indices are not sorted (SMOTE's sparse
    output): distances summed in another order differ in the last bit, and a
    link, decided on equal distances, was lost. The input is left unsorted."""
    from imbestimators.over_sampling import SMOTE

    X, y = make_classification(
        n_samples=1000, n_classes=3, n_informative=4, weights=[0.2, 0.3, 0.5],
        random_state=0,
    )  # fmt: skip
    X_dense, y_dense = SMOTE(random_state=0).fit_resample(X, y)
    X_sparse, y_sparse = SMOTE(random_state=0).fit_resample(sparse.csr_matrix(X), y)
    assert not X_sparse.has_sorted_indices
    indices = X_sparse.indices.copy()
    dense = TomekLinks(sampling_strategy="all")
    dense.fit_resample(X_dense, y_dense)
    sparse_sampler = TomekLinks(sampling_strategy="all")
    sparse_sampler.fit_resample(X_sparse, y_sparse)
    np.testing.assert_array_equal(sparse_sampler.sample_indices_, dense.sample_indices_)
    np.testing.assert_array_equal(X_sparse.indices, indices)
