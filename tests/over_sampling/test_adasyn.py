"""Tests of ADASYN."""

from collections import Counter

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from imblearn.over_sampling import ADASYN as ImbADASYN
from sklearn.datasets import make_classification

from imbestimators.exceptions import FallbackWarning
from imbestimators.over_sampling import ADASYN
from imbestimators.over_sampling._adasyn import largest_remainder
from imbestimators.testing import tied_datasets
from imbestimators.utils import kneighbors


def data(n=500, seed=0):
    return make_classification(
        n_samples=n,
        n_features=5,
        n_informative=3,
        n_redundant=0,
        weights=[0.85, 0.15],
        class_sep=0.7,
        flip_y=0,
        random_state=seed,
    )


def test_adasyn_reaches_exact_counts(global_random_seed):
    """Check that the class reaches exactly the requested size.

    imbalanced-learn rounds each row's share independently, so its totals
    drift; ours apportions by largest remainder.
    """
    X, y = data(seed=global_random_seed)
    for strategy in ["auto", 0.5, {1: 300}]:
        _, y_res = ADASYN(sampling_strategy=strategy, random_state=0).fit_resample(X, y)
        expected = {"auto": 425, 0.5: 212, 300: 300}
        key = strategy if not isinstance(strategy, dict) else 300
        assert Counter(y_res.tolist())[1] == expected[key]


def test_adasyn_allocates_by_hardness():
    """Check that rows get new samples in proportion to their other-class share."""
    X, y = data()
    sampler = ADASYN(random_state=0)
    sampler.fit_resample(X, y)
    class_idx = np.flatnonzero(y == 1)
    nn = kneighbors(X, 5, X[class_idx], exclude=class_idx)
    hardness = (y[nn] != 1).sum(axis=1)
    assert np.array_equal(sampler._plan(X, y)[1], hardness)
    counts = largest_remainder(hardness / hardness.sum(), 425)
    assert counts.sum() == 425
    assert np.all(counts[hardness == 0] == 0)
    np.testing.assert_allclose(counts, 425 * hardness / hardness.sum(), atol=1)


def separable(n_majority=40, n_minority=10):
    rng = np.random.default_rng(0)
    X = np.vstack(
        [rng.normal(size=(n_majority, 2)), rng.normal(size=(n_minority, 2)) + 100]
    )
    return X, np.repeat([0, 1], [n_majority, n_minority])


def on_class_segment(point, members):
    """True when ``point`` lies on a segment between two rows of ``members``."""
    a, b = members[:, None, :], members[None, :, :]
    direction = b - a
    norm = (direction**2).sum(-1)
    t = ((point - a) * direction).sum(-1) / np.where(norm > 0, norm, 1)
    closest = a + np.clip(t, 0, 1)[..., None] * direction
    return bool(np.any(np.all(np.isclose(closest, point), -1)))


def test_adasyn_without_other_class_neighbours_falls_back_to_uniform():
    """Check that a class none of whose rows has a neighbour of another class
    (ADASYN's weights are 0/0; imbalanced-learn raises) gets every requested
    row with uniform weights, as plain SMOTE, and one warning naming it."""
    X, y = separable()
    with pytest.raises(RuntimeError, match="Not any neigbours belong"):
        ImbADASYN().fit_resample(X, y)
    msg = (
        r"ADASYN: no row of class 1 \(30 new rows\) has a row of another class "
        r"among its 5 nearest neighbours \(n_neighbors\), so ADASYN's weights are "
        r"undefined \(0/0\)\. Its new rows were generated with uniform weights"
    )
    with pytest.warns(FallbackWarning, match=msg) as record:
        X_res, y_res = ADASYN(random_state=0).fit_resample(X, y)
    assert len(record) == 1
    assert Counter(y_res.tolist()) == {0: 40, 1: 40}
    np.testing.assert_array_equal(X_res[: len(X)], X)
    members = X[y == 1]
    assert all(on_class_segment(point, members) for point in X_res[len(X) :])
    # uniform weights: the base rows are spread over the class, not piled up
    assert len({tuple(p) for p in X_res[len(X) :]}) == 30


def test_adasyn_fallback_only_for_the_class_that_needs_it():
    """Check a three-class case: one warning that names only the class whose
    weights are undefined; the other class keeps ADASYN's weights."""
    X, y = data()
    far = np.random.default_rng(1).normal(size=(30, X.shape[1])) + 100
    X, y = np.vstack([X, far]), np.r_[y, np.full(30, 2)]
    sampler = ADASYN(random_state=0)
    with pytest.warns(FallbackWarning) as record:
        _, y_res = sampler.fit_resample(X, y)
    assert len(record) == 1
    assert "class 2 (395 new rows)" in str(record[0].message)
    assert "class 1" not in str(record[0].message)
    assert Counter(y_res.tolist()) == {0: 425, 1: 425, 2: 425}


def test_adasyn_identical_minority_rows():
    """Check identical minority rows: every new row equals them (zero-length
    segments), finite, and the class reaches the requested size."""
    X, y = separable(n_minority=7)
    X[y == 1] = [3.0, 100.0]
    with pytest.warns(FallbackWarning, match="no row of class 1"):
        X_res, y_res = ADASYN(random_state=0).fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 40, 1: 40}
    np.testing.assert_array_equal(X_res[len(X) :], np.tile([3.0, 100.0], (33, 1)))


def test_adasyn_class_too_small():
    """Check the early error naming the class and n_neighbors."""
    X = np.arange(30.0).reshape(15, 2)
    y = np.repeat([0, 1], [12, 3])
    with pytest.raises(
        ValueError, match=r"n_neighbors=5 needs at least 6 .* class 1 has 3"
    ):
        ADASYN().fit_resample(X, y)


@pytest.mark.parametrize(
    ("weights", "total", "expected"),
    [
        ([0.5, 0.3, 0.2], 4, [2, 1, 1]),
        ([1 / 3, 1 / 3, 1 / 3], 2, [1, 1, 0]),
        ([1.0], 7, [7]),
    ],
)
def test_largest_remainder(weights, total, expected):
    """Check Hamilton's apportionment, ties to the lower index."""
    counts = largest_remainder(np.array(weights), total)
    assert counts.tolist() == expected
    assert counts.sum() == total


@given(
    data=tied_datasets(
        n_samples=(30, 80), n_classes=2, min_minority=8, max_minority_share=1 / 3
    ),
    k=st.integers(1, 6),
    seed=st.integers(0, 2**16),
)
def test_adasyn_weights_do_not_depend_on_row_order(data, k, seed):
    """Check that permuting the rows permutes ADASYN's hardness (tie-inclusive),
    on binary data full of distance ties (a minority of 8 rows or more)."""
    X, y = data
    minority = int(np.argmin(np.bincount(y)))
    order = np.random.default_rng(seed).permutation(len(y))
    sampler = ADASYN(n_neighbors=k).fit(X, y)
    sampler.sampling_strategy_ = {minority: 10}
    hardness = sampler._plan(X, y)[minority]
    shuffled = sampler._plan(X[order], y[order])[minority]
    rows = np.flatnonzero(y == minority)
    # rank of each class row among the class rows, in the shuffled order
    position = np.argsort(np.argsort(np.argsort(order)[rows]))
    np.testing.assert_array_equal(hardness, shuffled[position])
