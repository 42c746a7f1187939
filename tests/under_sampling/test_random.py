"""Tests of RandomUnderSampler."""

import math
from collections import Counter
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from imblearn.under_sampling import RandomUnderSampler as ImbRandomUnderSampler

from imbestimators.under_sampling import RandomUnderSampler


@given(
    sizes=st.lists(st.integers(1, 50), min_size=2, max_size=4),
    seed=st.integers(0, 2**16),
    replacement=st.booleans(),
    strategy=st.sampled_from(["auto", "majority", "not majority", "all"]),
)
def test_same_draws_as_imbalanced_learn(sizes, seed, replacement, strategy):
    """Check that the same random_state draws the same rows, in the same order."""
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.repeat(np.arange(len(sizes)), sizes))
    X = rng.normal(size=(len(y), 2))
    params = {
        "random_state": seed,
        "replacement": replacement,
        "sampling_strategy": strategy,
    }
    reference = ImbRandomUnderSampler(**params)
    reference.fit_resample(X, y)
    sampler = RandomUnderSampler(**params)
    sampler.fit_resample(X, y)
    np.testing.assert_array_equal(sampler.sample_indices_, reference.sample_indices_)


def test_replacement_can_repeat_rows():
    """Check that replacement=True draws with replacement."""
    y = np.array([0] * 50 + [1] * 50)
    X = np.arange(100).reshape(-1, 1)
    sampler = RandomUnderSampler(
        sampling_strategy={0: 50}, replacement=True, random_state=0
    )
    X_res, y_res = sampler.fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 50, 1: 50}
    assert len(np.unique(X_res[y_res == 0])) < 50


def test_any_data_is_accepted():
    """Check strings, missing values and mixed objects (rows are only copied)."""
    X = np.array([["a", np.nan], ["b", 1.0], ["c", 2.0], ["d", None]], dtype=object)
    y = np.array([0, 0, 0, 1])
    sampler = RandomUnderSampler(random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    assert X_res.dtype == object
    assert Counter(y_res.tolist()) == {0: 1, 1: 1}
    np.testing.assert_array_equal(X_res, X[sampler.sample_indices_])


def test_float_strategy_needs_binary_target():
    """Check imbalanced-learn's message for a ratio on three classes."""
    y = np.repeat([0, 1, 2], [5, 10, 15])
    with pytest.raises(
        ValueError, match="can be a float only when the type of target is binary"
    ):
        RandomUnderSampler(sampling_strategy=0.5).fit_resample(np.zeros((30, 1)), y)


def test_float_ratio_keeps_the_exact_count():
    """Check that 7 minority rows at ratio 0.07 keep 100 majority rows.

    imbalanced-learn keeps int(7 / 0.07) = int(99.99999999999999) = 99.
    """
    y = np.array([0] * 150 + [1] * 7)
    X = np.arange(len(y)).reshape(-1, 1)
    sampler = RandomUnderSampler(sampling_strategy=0.07, random_state=0)
    _, y_res = sampler.fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 100, 1: 7}


@given(
    pq=st.integers(1, 200).flatmap(lambda q: st.tuples(st.integers(1, q), st.just(q))),
    multiple=st.integers(1, 20),
    extra=st.integers(0, 5),
)
@example(pq=(7, 100), multiple=1, extra=0)
@example(pq=(10, 29), multiple=1, extra=2)
def test_float_ratio_keeps_the_exact_count_property(pq, multiple, extra):
    """Check that a ratio p/q with a whole target count keeps exactly it.

    The minority size is a multiple of p / gcd(p, q), so the exact target
    ``n_minority / (p/q)`` (computed with fractions) is a whole number.
    """
    p, q = pq
    n_minority = multiple * (p // math.gcd(p, q))
    target = n_minority / Fraction(p, q)
    n_majority = int(target) + extra
    if n_majority <= n_minority:
        return
    y = np.repeat(["major", "minor"], [n_majority, n_minority])
    X = np.arange(len(y)).reshape(-1, 1)
    sampler = RandomUnderSampler(sampling_strategy=p / q, random_state=0)
    _, y_res = sampler.fit_resample(X, y)
    assert Counter(y_res.tolist()) == {"major": int(target), "minor": n_minority}
