"""Tests of ADASYN."""

from collections import Counter

import numpy as np
import pytest
from sklearn.datasets import make_classification

from imbestimators.over_sampling import ADASYN
from imbestimators.over_sampling._adasyn import largest_remainder
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
    counts = sampler._samples_per_row(X, y, class_idx, 1, 425)
    assert counts.sum() == 425
    assert np.all(counts[hardness == 0] == 0)
    np.testing.assert_allclose(counts, 425 * hardness / hardness.sum(), atol=1)


def test_adasyn_error_without_other_class_neighbours():
    """Check the message when ADASYN's weights are undefined."""
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(size=(40, 2)), rng.normal(size=(10, 2)) + 100])
    y = np.repeat([0, 1], [40, 10])
    with pytest.raises(ValueError, match=r"no sample of class 1 has a neighbour"):
        ADASYN().fit_resample(X, y)


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
