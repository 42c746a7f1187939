"""Tests of the sampler bases and their helpers."""

import warnings
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.neighbors import NearestNeighbors

from imbestimators import combine, over_sampling, under_sampling
from imbestimators.base import check_class_sizes, n_neighbors_from
from imbestimators.over_sampling import SMOTE, RandomOverSampler

SAMPLER_NAMES = [
    (package, name)
    for package in (over_sampling, under_sampling, combine)
    for name in package.__all__
]


def make_sampler(package, name, **params):
    """An instance of every sampler; SMOTENC needs its categorical column."""
    if name == "SMOTENC":
        params["categorical_features"] = [0]
    return getattr(package, name)(**params)


def test_check_class_sizes_lists_every_small_class():
    """Check that the message names each class that is too small, with its count."""
    y = np.array(["a"] * 10 + ["b"] * 2 + ["c"] * 1)
    with pytest.raises(ValueError, match=r"class 'b' has 2, class 'c' has 1\. Fix it"):
        check_class_sizes(
            y, ["b", "c"], 3, parameter="k", value=2, estimator="E", hint="Fix it."
        )
    check_class_sizes(y, ["a"], 3, parameter="k", value=2, estimator="E", hint="")


def test_n_neighbors_from_estimator_counts_the_sample_itself():
    """Check imbalanced-learn's convention for neighbours estimators."""
    assert n_neighbors_from(4, "k_neighbors") == 4
    assert n_neighbors_from(NearestNeighbors(n_neighbors=6), "k_neighbors") == 5
    with pytest.raises(ValueError, match="k_neighbors must be an int or a neighbours"):
        n_neighbors_from(NearestNeighbors(n_neighbors=1), "k_neighbors")


def test_lists_in_lists_out():
    """Check that list inputs give list outputs."""
    X = [[0.0, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]]
    y = [0, 0, 0, 1]
    X_res, y_res = RandomOverSampler(random_state=0).fit_resample(X, y)
    assert isinstance(X_res, list)
    assert isinstance(y_res, list)
    assert y_res == [0, 0, 0, 1, 1, 1]


def test_y_dataframe_and_categorical_series_kept():
    """Check y as a one-column DataFrame and as a categorical Series."""
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(30, 2)), columns=["u", "v"])
    labels = np.repeat(["no", "yes"], [22, 8])
    y_frame = pd.DataFrame({"target": labels})
    _, y_res = SMOTE(random_state=0).fit_resample(X, y_frame)
    assert isinstance(y_res, pd.DataFrame)
    assert y_res.columns.tolist() == ["target"]
    y_cat = pd.Series(pd.Categorical(labels), name="t")
    _, y_res = SMOTE(random_state=0).fit_resample(X, y_cat)
    assert isinstance(y_res.dtype, pd.CategoricalDtype)
    assert y_res.value_counts().to_dict() == {"no": 22, "yes": 22}


@pytest.mark.parametrize(
    ("X", "match"),
    [
        (np.empty((0, 3)), "0 sample"),
        (np.arange(10.0), "Expected 2D array"),
        (np.zeros((4, 2, 2)), "Found array with dim 3"),
        (np.array([[np.nan, 1.0]] * 4), "NaN"),
        (np.array([[np.inf, 1.0]] * 4), "infinity"),
        (np.array([["a", "b"]] * 4), r"columns 0 \(str\), 1 \(str\) are not"),
    ],
)
def test_bad_X_clear_errors(X, match):
    """Check early, clear errors for malformed X."""
    # one label per row, so that only X is malformed
    y = np.array([0] * (len(X) - 1) + [1]) if len(X) else np.array([], dtype=int)
    with pytest.raises(ValueError, match=match):
        SMOTE(k_neighbors=1).fit_resample(X, y)


def test_single_class():
    """Check the error for a single class."""
    X = np.arange(12.0).reshape(6, 2)
    with pytest.raises(ValueError, match="needs to have more than 1 class"):
        SMOTE().fit_resample(X, [0] * 6)


def containers(X, y):
    """The same data as arrays, lists, pandas and sparse X."""
    return {
        "array": (X, y),
        "list": (X.tolist(), y.tolist()),
        "frame": (pd.DataFrame(X), pd.Series(y)),
        "sparse": (sparse.csr_matrix(X), y),
    }


@pytest.mark.parametrize("container", ["array", "list", "frame", "sparse"])
@pytest.mark.parametrize("method", ["fit_resample", "fit"])
@pytest.mark.parametrize(("package", "name"), SAMPLER_NAMES)
@pytest.mark.parametrize("n_y", [39, 41])
def test_length_mismatch_raises_before_any_work(package, name, method, container, n_y):
    """Check that every sampler refuses X and y of different lengths, first.

    The random samplers accept any values and skipped scikit-learn's length
    check: a shorter y silently dropped the last rows of X, a longer one
    raised an IndexError.
    """
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.integers(0, 3, 40), rng.normal(size=(40, 2))])
    y = np.repeat([0, 1], [30, n_y - 30])
    X, y = containers(X, y)[container]
    sampler = make_sampler(package, name, sampling_strategy="auto")
    with pytest.raises(
        ValueError,
        match=rf"^{name}: X and y have inconsistent numbers of samples: X has 40 "
        rf"rows but y has {n_y} labels\.",
    ):
        getattr(sampler, method)(X, y)
    assert not hasattr(sampler, "n_features_in_")


def ratio_data(n_majority, n_minority):
    """Binary data with an integer column (SMOTENC's categorical one)."""
    rng = np.random.default_rng(0)
    n = n_majority + n_minority
    X = np.column_stack([rng.integers(0, 3, n), rng.normal(size=(n, 2))])
    return X, np.repeat([0, 1], [n_majority, n_minority])


OVER_SAMPLERS = [(over_sampling, name) for name in over_sampling.__all__]
UNDER_SAMPLERS = [
    (under_sampling, name)
    for name in (
        "RandomUnderSampler",
        "NearMiss",
        "ClusterCentroids",
        "InstanceHardnessThreshold",
    )
]


@pytest.mark.parametrize(("package", "name"), OVER_SAMPLERS)
def test_float_ratio_over_samplers_issue_1215(package, name):
    """Check that 0.29 of 100 majority rows gives 29 minority rows, not an error.

    imbalanced-learn truncates 100 * 0.29 = 28.999999999999996 to 28 and
    raises "required to remove samples" (its issue #1215).
    """
    X, y = ratio_data(100, 28)
    sampler = make_sampler(package, name, sampling_strategy=0.29, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, y_res = sampler.fit_resample(X, y)
    assert sampler.sampling_strategy_ == {1: 1}
    assert Counter(y_res.tolist()) == {0: 100, 1: 29}
    fitted = make_sampler(package, name, sampling_strategy=0.29).fit(X, y)
    assert fitted.sampling_strategy_ == {1: 1}


@pytest.mark.parametrize("name", combine.__all__)
def test_float_ratio_combined_samplers_issue_1215(name):
    """Check that SMOTEENN and SMOTETomek resolve the ratio as their SMOTE does."""
    X, y = ratio_data(100, 28)
    sampler = make_sampler(combine, name, sampling_strategy=0.29, random_state=0)
    sampler.fit_resample(X, y)
    assert sampler.sampling_strategy_ == {1: 1}
    assert sampler.fit(X, y).sampling_strategy_ == {1: 1}


@pytest.mark.parametrize(("package", "name"), UNDER_SAMPLERS)
def test_float_ratio_under_samplers_keep_the_exact_count(package, name):
    """Check that 7 minority rows at ratio 0.07 keep 100 majority rows, not 99.

    7 / 0.07 is 99.99999999999999, which imbalanced-learn truncates to 99.
    """
    X, y = ratio_data(120, 7)
    params = {"sampling_strategy": 0.07}
    if name != "NearMiss":
        params["random_state"] = 0
    sampler = make_sampler(package, name, **params)
    _, y_res = sampler.fit_resample(X, y)
    assert sampler.sampling_strategy_ == {0: 100}
    assert Counter(y_res.tolist()) == {0: 100, 1: 7}
    assert make_sampler(package, name, **params).fit(X, y).sampling_strategy_ == {
        0: 100
    }
