"""Tests of RandomOverSampler."""

import math
from collections import Counter
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from scipy import sparse

from imbestimators.over_sampling import RandomOverSampler


def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 3))
    y = np.repeat(["a", "b", "c"], [80, 30, 10])
    return X, y


def test_random_over_sampler_rows_are_copies():
    """Check that every output row is the input row named by sample_indices_."""
    X, y = data()
    sampler = RandomOverSampler(random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    assert np.array_equal(X_res, X[sampler.sample_indices_])
    assert np.array_equal(y_res, y[sampler.sample_indices_])
    assert Counter(y_res.tolist()) == {"a": 80, "b": 80, "c": 80}
    assert np.array_equal(sampler.sample_indices_[:120], np.arange(120))


def test_random_over_sampler_strings_and_nan():
    """Check that non-numeric data and missing values are copied as they are."""
    X = np.array([["x", np.nan], ["y", 1.0], ["z", 2.0], ["w", 3.0]], dtype=object)
    y = np.array([0, 0, 0, 1])
    X_res, _y_res = RandomOverSampler(random_state=0).fit_resample(X, y)
    assert X_res.dtype == object
    assert (X_res[4:, 0] == "w").all()


def test_random_over_sampler_shrinkage_perturbs_with_class_scale():
    """Check the smoothed bootstrap: noise scales with shrinkage and class std."""
    X, y = data()
    small = RandomOverSampler(shrinkage=0.1, random_state=0).fit_resample(X, y)[0]
    large = RandomOverSampler(shrinkage=2.0, random_state=0).fit_resample(X, y)[0]
    copies = RandomOverSampler(random_state=0)
    copies.fit_resample(X, y)
    base = X[copies.sample_indices_]
    noise_small = np.abs(small[120:] - base[120:]).mean()
    noise_large = np.abs(large[120:] - base[120:]).mean()
    assert 0 < noise_small < noise_large
    np.testing.assert_allclose(noise_large / noise_small, 20, rtol=1e-6)


def test_random_over_sampler_shrinkage_dict_missing_class():
    """Check the message when a resampled class has no shrinkage factor."""
    X, y = data()
    with pytest.raises(ValueError, match=r"missing 'c'\."):
        RandomOverSampler(shrinkage={"b": 1.0}).fit_resample(X, y)


def test_random_over_sampler_shrinkage_needs_numbers():
    """Check the message when shrinkage meets non-numeric data."""
    X = np.array([["a"], ["b"], ["c"]], dtype=object)
    with pytest.raises(ValueError, match="shrinkage needs numeric, finite X"):
        RandomOverSampler(shrinkage=1.0).fit_resample(X, [0, 0, 1])


def test_random_over_sampler_sparse():
    """Check that sparse input stays sparse, in its format."""
    X, y = data()
    X_res, _ = RandomOverSampler(random_state=0).fit_resample(sparse.csc_matrix(X), y)
    assert X_res.format == "csc"
    dense, _ = RandomOverSampler(random_state=0).fit_resample(X, y)
    np.testing.assert_array_equal(X_res.toarray(), dense)


def test_random_over_sampler_float_ratio_issue_1215():
    """Check imbalanced-learn issue #1215's example: 0.29 of 100 rows is 29.

    imbalanced-learn computes int(100 * 0.29) = int(28.999999999999996) = 28
    and raises "required to remove samples" instead of adding one row.
    """
    X = np.arange(128).reshape(-1, 1)
    y = np.array([0] * 100 + [1] * 28)
    sampler = RandomOverSampler(sampling_strategy=0.29, random_state=0)
    _, y_res = sampler.fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 100, 1: 29}


@given(
    pq=st.integers(1, 200).flatmap(lambda q: st.tuples(st.integers(1, q), st.just(q))),
    multiple=st.integers(1, 20),
    below=st.integers(1, 5),
)
@example(pq=(29, 100), multiple=1, below=1)
@example(pq=(14, 100), multiple=5, below=3)
def test_random_over_sampler_float_ratio_gives_the_exact_count(pq, multiple, below):
    """Check that a ratio p/q with a whole target count reaches exactly it.

    The majority size is a multiple of q / gcd(p, q), so the exact target
    ``p/q * n_majority`` (computed with fractions) is a whole number.
    """
    p, q = pq
    n_majority = multiple * (q // math.gcd(p, q))
    target = Fraction(p, q) * n_majority
    n_minority = int(target) - below
    if n_minority < 1:
        return
    y = np.repeat(["major", "minor"], [n_majority, n_minority])
    X = np.arange(len(y)).reshape(-1, 1)
    sampler = RandomOverSampler(sampling_strategy=p / q, random_state=0)
    _, y_res = sampler.fit_resample(X, y)
    assert Counter(y_res.tolist()) == {"major": n_majority, "minor": int(target)}
