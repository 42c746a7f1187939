"""Tests of RandomOverSampler."""

from collections import Counter

import numpy as np
import pytest
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
