"""Tests of NearMiss."""

import warnings
from collections import Counter

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from imblearn.under_sampling import NearMiss as ImbNearMiss
from scipy import sparse
from sklearn.datasets import make_classification
from sklearn.neighbors import NearestNeighbors

from imbestimators.exceptions import InsufficientSamplesWarning
from imbestimators.testing import check_sampler_row_order_invariance, tied_datasets
from imbestimators.under_sampling import NearMiss
from imbestimators.under_sampling._nearmiss import best_first


@st.composite
def continuous_data(draw, copies=True):
    """Continuous rows in 2 to 5 dimensions, optionally with copied rows.

    In one dimension a row between two minority rows is at the same total
    distance from both, a structural tie of scores: at least two dimensions
    are drawn. Copies of a row get equal scores, so the two implementations
    may keep different copies: with copies, the rows kept are compared.
    NearMiss-3 pre-selects every copy tied at a minority row's
    ``n_neighbors_ver3``-th distance, imbalanced-learn only those its search
    returns first: it is compared without copies.
    """
    n_classes = draw(st.integers(2, 3))
    sizes = [draw(st.integers(5, 20))] + [
        draw(st.integers(21, 150)) for _ in range(n_classes - 1)
    ]
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    n_features = draw(st.integers(2, 5))
    y = rng.permutation(np.repeat(np.arange(n_classes), sizes))
    X = rng.normal(size=(n_classes, n_features))[y] + rng.normal(
        size=(len(y), n_features)
    )
    copies = copies and draw(st.booleans())
    if copies:
        source = rng.integers(0, len(y), size=len(y) // 4)
        target = rng.integers(0, len(y), size=len(y) // 4)
        X[target], y[target] = X[source], y[source]
    return X.astype(draw(st.sampled_from([np.float32, np.float64]))), y, copies


@given(
    version=st.integers(1, 3),
    k=st.integers(1, 5),
    k3=st.integers(1, 5),
    strategy=st.sampled_from(["auto", "majority", "not minority", "all"]),
    choice=st.data(),
)
def test_same_rows_as_imbalanced_learn(version, k, k3, strategy, choice):
    """Check agreement with imbalanced-learn: indices, or rows when copies tie."""
    X, y, copies = choice.draw(continuous_data(copies=version != 3))
    # copies can shrink the minority below k: both refuse such data
    assume(min(Counter(y.tolist()).values()) >= k)
    params = {
        "version": version,
        "n_neighbors": k,
        "n_neighbors_ver3": k3,
        "sampling_strategy": strategy,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = ImbNearMiss(**params)
        X_ref, y_ref = reference.fit_resample(X, y)
        sampler = NearMiss(**params)
        X_res, y_res = sampler.fit_resample(X, y)
    if copies:
        np.testing.assert_array_equal(X_res, X_ref)
        np.testing.assert_array_equal(y_res, y_ref)
    else:
        np.testing.assert_array_equal(
            sampler.sample_indices_, reference.sample_indices_
        )


@pytest.mark.parametrize("n_features", [4, 30])
@pytest.mark.parametrize("strategy", ["auto", 0.2])
def test_version_1_bounds_skip_no_kept_row(n_features, strategy):
    """Check version 1 on a large majority, where exact scores are computed only
    for rows whose lower bound can rank among the kept ones (tree and brute)."""
    X, y = make_classification(
        n_samples=6000,
        n_features=n_features,
        n_informative=min(n_features, 10),
        n_redundant=0,
        weights=[0.98, 0.02],
        flip_y=0.01,
        random_state=0,
    )
    X = X.astype(np.float32)
    reference = ImbNearMiss(version=1, sampling_strategy=strategy)
    reference.fit_resample(X, y)
    sampler = NearMiss(version=1, sampling_strategy=strategy)
    sampler.fit_resample(X, y)
    np.testing.assert_array_equal(sampler.sample_indices_, reference.sample_indices_)


@pytest.mark.parametrize("version", [1, 2, 3])
def test_a_class_asked_to_keep_no_row_loses_all(version):
    """Check a dict strategy of 0 rows for a class, as imbalanced-learn allows."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 12))
    y = np.repeat([0, 1], [20, 280])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsufficientSamplesWarning)
        sampler = NearMiss(version=version, sampling_strategy={1: 0})
        _, y_res = sampler.fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 20}


@pytest.mark.parametrize("version", [1, 2, 3])
def test_estimator_gives_the_int_rows(version):
    """Check that a NearestNeighbors estimator (no self counted) gives the same rows."""
    X, y = make_classification(n_samples=400, weights=[0.2, 0.8], random_state=0)
    with_int = NearMiss(version=version, n_neighbors=3, n_neighbors_ver3=2)
    with_estimator = NearMiss(
        version=version,
        n_neighbors=NearestNeighbors(n_neighbors=3),
        n_neighbors_ver3=NearestNeighbors(n_neighbors=2),
    )
    with_int.fit_resample(X, y)
    with_estimator.fit_resample(X, y)
    np.testing.assert_array_equal(
        with_int.sample_indices_, with_estimator.sample_indices_
    )


def test_version_2_uses_the_farthest_minority_rows():
    """Check NearMiss-2's score: mean distance to the k farthest minority rows."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = np.array([0] * 10 + [1] * 50)
    sampler = NearMiss(version=2, n_neighbors=3)
    sampler.fit_resample(X, y)
    dist = np.linalg.norm(X[10:, None] - X[None, :10], axis=2)
    score = np.sort(dist, axis=1)[:, -3:].sum(axis=1)
    expected = 10 + np.argsort(score, kind="stable")[:10]
    np.testing.assert_array_equal(sampler.sample_indices_[10:], expected)


def test_version_3_warns_when_it_keeps_fewer_rows():
    """Check the warning and count when too few rows are pre-selected."""
    X, y = make_classification(
        n_samples=300, weights=[0.3, 0.7], class_sep=3, random_state=0
    )
    sampler = NearMiss(version=3, n_neighbors_ver3=1)
    with pytest.warns(InsufficientSamplesWarning, match="only .* rows of the class"):
        _, y_res = sampler.fit_resample(X, y)
    counts = Counter(y_res.tolist())
    assert counts[1] < counts[0]


def test_too_many_neighbours_name_the_minority_class():
    """Check the message when n_neighbors exceeds the minority class."""
    X = np.arange(20, dtype=float).reshape(10, 2)
    y = np.array(["a"] * 3 + ["b"] * 7)
    with pytest.raises(
        ValueError,
        match=r"NearMiss: n_neighbors=4 needs at least 4 samples in the minority "
        r"class 'a', which has 3\.",
    ):
        NearMiss(n_neighbors=4).fit_resample(X, y)


def test_too_many_neighbours_ver3_name_the_class():
    """Check the message when n_neighbors_ver3 exceeds an under-sampled class."""
    X = np.arange(40, dtype=float).reshape(20, 2)
    y = np.array([0] * 3 + [1] * 4 + [2] * 13)
    with pytest.raises(
        ValueError,
        match=r"NearMiss: n_neighbors_ver3=5 needs at least 5 samples in class 1, "
        r"which has 4\.",
    ):
        NearMiss(version=3, n_neighbors_ver3=5, n_neighbors=2).fit_resample(X, y)


# -- distance ties: decisions that do not depend on row order ----------------------
@given(
    data=tied_datasets(n_samples=(16, 60), min_minority=3, single_minority=True),
    version=st.integers(1, 3),
    k=st.integers(1, 3),
    k3=st.integers(1, 3),
    seed=st.integers(0, 2**16),
)
def test_kept_rows_do_not_depend_on_row_order(data, version, k, k3, seed):
    """Check that permuting the rows keeps the same rows (values and labels):
    NearMiss-3 pre-selects every row tied with a minority row's k3-th nearest,
    and equal scores are ordered by the rows' values. One class is the
    smallest: with two, imbalanced-learn's minority is the one seen first in
    y, an order dependence that distance ties have no part in."""
    X, y = data
    sampler = NearMiss(version=version, n_neighbors=k, n_neighbors_ver3=k3)
    check_sampler_row_order_invariance(sampler, X, y, random_state=seed)


def test_equal_scores_are_ordered_by_the_rows_values():
    """Check the tie rule of the kept rows: equal scores, smaller values first.

    Rows 1 to 4 are all at distance 1 from the one minority row: NearMiss-1
    keeps the two lexicographically smallest, in any order of the rows.
    """
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, -1.0], [-1.0, 0.0]])
    y = np.array([0, 1, 1, 1, 1])
    for order in (np.arange(5), np.array([0, 2, 1, 4, 3])):
        sampler = NearMiss(n_neighbors=1, sampling_strategy={1: 2})
        sampler.fit_resample(X[order], y[order])
        assert order[sampler.sample_indices_].tolist() == [0, 4, 3]


def test_best_first_without_equal_scores_is_a_stable_argsort():
    """Check best_first against np.argsort where no score repeats, and its
    value order where they do (sparse rows too)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3))
    score = rng.random(50)
    np.testing.assert_array_equal(
        best_first(X, np.arange(50), score, 20), np.argsort(score)[:20]
    )
    score = np.repeat([1.0, 0.5], 25)
    picked = best_first(sparse.csr_matrix(X), np.arange(50), score, 30)
    expected = 25 + np.lexsort(X[25:].T[::-1])
    np.testing.assert_array_equal(picked[:25], expected)
    np.testing.assert_array_equal(picked[25:], np.lexsort(X[:25].T[::-1])[:5])
