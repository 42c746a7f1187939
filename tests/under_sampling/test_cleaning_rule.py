"""Tests of NeighbourhoodCleaningRule."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from imblearn.under_sampling import (
    NeighbourhoodCleaningRule as ImbNeighbourhoodCleaningRule,
)
from sklearn.datasets import make_classification
from sklearn.neighbors import KNeighborsClassifier, NearestNeighbors

from imbestimators.testing import check_sampler_row_order_invariance, tied_datasets
from imbestimators.under_sampling import (
    EditedNearestNeighbours,
    NeighbourhoodCleaningRule,
    RandomUnderSampler,
)


@st.composite
def continuous_data(draw):
    """Continuous rows, optionally with copied rows that keep their label.

    Copies change no label of a lower-index neighbourhood, but copies tied at
    the k-th distance all vote here (the tie-inclusive rule), only some in
    imbalanced-learn: with copies, only the classes cleaned are compared.
    """
    n_classes = draw(st.integers(2, 3))
    sizes = [draw(st.integers(8, 25))] + [
        draw(st.integers(26, 80)) for _ in range(n_classes - 1)
    ]
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.repeat(np.arange(n_classes), sizes))
    X = rng.normal(size=(n_classes, 3))[y] + rng.normal(size=(len(y), 3))
    copies = draw(st.booleans())
    if copies:
        source = rng.integers(0, len(y), size=len(y) // 5)
        target = rng.integers(0, len(y), size=len(y) // 5)
        X[target], y[target] = X[source], y[source]
    return X, y, copies


@given(
    data=continuous_data(),
    k=st.integers(1, 4),
    threshold=st.sampled_from([0.5, 1.0, 3.0]),
    strategy=st.sampled_from(["auto", "all", "majority"]),
)
def test_same_rows_as_imbalanced_learn(data, k, threshold, strategy):
    """Check exact agreement with imbalanced-learn."""
    X, y, copies = data
    params = {
        "n_neighbors": k,
        "threshold_cleaning": threshold,
        "sampling_strategy": strategy,
    }
    reference = ImbNeighbourhoodCleaningRule(**params)
    X_ref, _ = reference.fit_resample(X, y)
    sampler = NeighbourhoodCleaningRule(**params)
    X_res, _ = sampler.fit_resample(X, y)
    assert sampler.classes_to_clean_ == [c.item() for c in reference.classes_to_clean_]
    if not copies:
        np.testing.assert_array_equal(
            sampler.sample_indices_, reference.sample_indices_
        )
        np.testing.assert_array_equal(X_res, X_ref)


def test_threshold_cleaning_spares_small_classes():
    """Check that a class not above threshold_cleaning x minority keeps A2 rows."""
    X, y = make_classification(
        n_samples=600, n_classes=3, weights=[0.2, 0.3, 0.5], n_informative=3,
        flip_y=0.1, random_state=0,
    )  # fmt: skip
    strict = NeighbourhoodCleaningRule(sampling_strategy="all", threshold_cleaning=2.0)
    strict.fit_resample(X, y)
    assert strict.classes_to_clean_ == [2]
    loose = NeighbourhoodCleaningRule(sampling_strategy="all", threshold_cleaning=0.5)
    loose.fit_resample(X, y)
    assert sorted(loose.classes_to_clean_) == [0, 1, 2]
    assert len(loose.sample_indices_) <= len(strict.sample_indices_)


def test_custom_editing_step_is_used():
    """Check that edited_nearest_neighbours replaces the default editing step."""
    X, y = make_classification(
        n_samples=500, weights=[0.2, 0.8], flip_y=0.1, random_state=1
    )
    editor = EditedNearestNeighbours(n_neighbors=5, kind_sel="all")
    sampler = NeighbourhoodCleaningRule(edited_nearest_neighbours=editor)
    sampler.fit_resample(X, y)
    assert sampler.edited_nearest_neighbours_.n_neighbors == 5
    editor.fit_resample(X, y)
    assert set(sampler.sample_indices_) <= set(editor.sample_indices_)
    reference = ImbNeighbourhoodCleaningRule(
        edited_nearest_neighbours=EditedNearestNeighbours(n_neighbors=5)
    )
    reference.fit_resample(X, y)
    np.testing.assert_array_equal(sampler.sample_indices_, reference.sample_indices_)


def test_neighbours_estimator_and_classifier_give_the_int_rows():
    """Check NearestNeighbors(k + 1) and KNeighborsClassifier(k) against int k."""
    X, y = make_classification(
        n_samples=400, weights=[0.2, 0.8], flip_y=0.1, random_state=2
    )
    with_int = NeighbourhoodCleaningRule(n_neighbors=3)
    with_int.fit_resample(X, y)
    for param in (NearestNeighbors(n_neighbors=4), KNeighborsClassifier(3)):
        sampler = NeighbourhoodCleaningRule(n_neighbors=param)
        sampler.fit_resample(X, y)
        np.testing.assert_array_equal(sampler.sample_indices_, with_int.sample_indices_)


def test_too_many_neighbours_is_refused_early():
    """Check the message when n_neighbors + 1 exceeds the number of samples."""
    X = np.arange(12, dtype=float).reshape(6, 2)
    y = np.array([0, 0, 1, 1, 1, 1])
    with pytest.raises(
        ValueError,
        match=r"NeighbourhoodCleaningRule: n_neighbors=6 needs at least 7 samples",
    ):
        NeighbourhoodCleaningRule(n_neighbors=6).fit_resample(X, y)


# -- distance ties: decisions that do not depend on row order ----------------------
@given(
    data=tied_datasets(single_minority=True),
    k=st.integers(1, 4),
    strategy=st.sampled_from(["auto", "all"]),
    seed=st.integers(0, 2**16),
)
def test_kept_rows_do_not_depend_on_row_order(data, k, strategy, seed):
    """Check that permuting the rows keeps the same rows (values and labels):
    the editing, the vote on minority rows and their neighbours are all
    tie-inclusive. One class is the smallest: with two, imbalanced-learn's
    minority is the one seen first in y, an order dependence that distance
    ties have no part in."""
    X, y = data
    sampler = NeighbourhoodCleaningRule(n_neighbors=k, sampling_strategy=strategy)
    check_sampler_row_order_invariance(sampler, X, y, random_state=seed)


def test_a_minority_row_votes_with_every_tied_neighbour():
    """Check the classifier step on a minority row with three tied neighbours.

    With 2 neighbours the classifier sees row 0 itself and every row as close
    as its nearest other row: rows 1 (minority), 2 and 3 (majority), all at
    distance 1. A 2-2 tie goes to the smallest label: row 0 is misclassified
    and its majority neighbours, rows 2 and 3, are removed, in any order of
    the rows (the lower-index rule removed none, or only one).
    """
    X = np.array([[0.0], [1.0], [-1.0], [-1.0], [8.0], [9.0], [10.0], [11.0]])
    y = np.array([1, 1, 0, 0, 0, 0, 0, 0])
    # an editing step that keeps every row
    keep_all = RandomUnderSampler(sampling_strategy={0: 6})
    for order in (np.arange(8), np.array([0, 2, 1, 3, 4, 5, 6, 7])):
        sampler = NeighbourhoodCleaningRule(
            n_neighbors=2, edited_nearest_neighbours=keep_all
        )
        sampler.fit_resample(X[order], y[order])
        assert sorted(order[sampler.sample_indices_].tolist()) == [0, 1, 4, 5, 6, 7]
